// The library's app-wide checks, registered once per app in this order. A construct's findings
// are reported in this order too: a policy's tier conflicts before what its intents need, a
// FixedEgressIp's conflicts before its reachability; a gateway's bypass findings come last.
import { IConstruct } from 'constructs';
import { DNS_PATH } from './dns-path';
import { AppCheck, ChecksEngine } from './engine';
import { FIXED_IP_CONFLICTS, POD_NETWORKING_OVERLAP } from './fixed-ip-conflicts';
import { GATEWAY_BYPASS, GATEWAY_BYPASS_WARNING } from './gateway-bypass';
import { INTENT_REACHABILITY } from './intent-reachability';
import { TIER_CONFLICTS } from './tier-conflicts';
import { UNION_ALLOW_ALL } from './union-allow-all';

/** Every app-wide check of the library, in the order their findings are reported. */
export const APP_CHECKS: readonly AppCheck[] = [
  TIER_CONFLICTS,
  POD_NETWORKING_OVERLAP,
  FIXED_IP_CONFLICTS,
  INTENT_REACHABILITY,
  UNION_ALLOW_ALL,
  DNS_PATH,
  GATEWAY_BYPASS,
  GATEWAY_BYPASS_WARNING,
];

/** The checks engine of the app of `scope`, with the library's checks registered. */
export function appChecks(scope: IConstruct): ChecksEngine {
  const engine = ChecksEngine.of(scope);
  if (engine.registered().length === 0) for (const check of APP_CHECKS) engine.register(check);
  return engine;
}

/** Report at synth what the app-wide checks find about `scope` (a construct that declares egress). */
export function watchAppChecks(scope: IConstruct): void {
  appChecks(scope).watch(scope);
}
