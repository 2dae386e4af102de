// Checks shared by the intent constructs: backend capabilities and allow-all detection.
import { IConstruct } from 'constructs';
import { isCidr, parseCidr } from './cidr';
import { EgressError } from './egress-error';
import { Capability, EgressBackend, requiredCapabilities } from '../backends/backend';
import { DestinationConfig, DestinationKind } from '../core/destination';
import { EgressErrorCode } from '../core/errors';
import { PortConfig, Protocol } from '../core/port';

const HINTS: Partial<Record<Capability, string>> = {
  [Capability.FQDN]: 'or resolve the service to fixed addresses and use Destination.ipv4()/ipv6()',
  [Capability.FQDN_PATTERN]: 'or list the concrete hostnames',
  [Capability.FQDN_SUFFIX]: 'or list the concrete hostnames, or use Destination.fqdnPattern() where one label is enough',
  [Capability.KUBE_API_SERVER_ENTITY]: 'or pass the API server endpoint addresses: Destination.kubeApiServer({ endpoints: [...] })',
  [Capability.CIDR_EXCEPT]: 'or split the block into the parts you want to allow',
};

/**
 * Throw when `backend` cannot express the destination or port. `what` describes them for the
 * error; it is called only when there is one (a destination's text form may need formatting).
 */
export function checkCapabilities(
  scope: IConstruct, backend: EgressBackend, what: () => string, dest: DestinationConfig | undefined, ports: readonly PortConfig[],
): void {
  const needed = [...(dest ? requiredCapabilities(dest) : [])];
  if (ports.some((p) => p.endPort !== undefined)) needed.push(Capability.PORT_RANGE);
  if (ports.some((p) => p.protocol === Protocol.SCTP)) needed.push(Capability.SCTP);
  for (const cap of needed) {
    if (backend.supports(cap)) continue;
    const alternatives = EgressBackend.bundled().filter((b) => b.capabilities.includes(cap)).map((b) => b.factory);
    let hint = HINTS[cap];
    if (cap === Capability.FQDN_PATTERN && backend.supports(Capability.FQDN_SUFFIX)) {
      hint = `${hint}: this backend's wildcard matches subdomains at any depth, wider than the one-label pattern. `
        + 'If any depth is what you mean, say so with Destination.anySubdomainOf()';
    }
    throw EgressError.at(scope, EgressErrorCode.UNSUPPORTED_BY_BACKEND,
      `The ${backend.displayName} backend cannot express ${what()} (needs capability ${cap}). `
      + (alternatives.length > 0 ? `Use a backend that can: ${alternatives.join(', ')}` : 'No bundled backend can express it yet')
      + (hint ? `, ${hint}.` : '.'));
  }
}

/** True when a destination covers a whole address family (`0.0.0.0/0`, `::/0`). */
export function isAllAddresses(dest: DestinationConfig): boolean {
  if (dest.kind !== DestinationKind.CIDR) return false;
  const c = parseCidr(dest.cidr!);
  return isCidr(c) && c.prefix === 0;
}
