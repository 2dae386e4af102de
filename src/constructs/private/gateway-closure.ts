// The bypass closure of an EgressGateway: each routed source may egress only to DNS, the control
// plane and the gateway pods, and the gateway pods only to the routed hosts. Rendered with the
// gateway's `backends` (sources) and `gatewayBackends` (gateway pods), one EgressPolicy per
// backend, from what the provider reports: any provider's routes close the same way.
import { Construct } from 'constructs';
import { IEgressBackend } from '../../backends/contract';
import { Destination } from '../../core/destination';
import { DnsResolver } from '../../core/dns-resolver';
import { Port } from '../../core/port';
import { EgressSource } from '../../core/source';
import { SourceConfig } from '../../core/source-config';
import { GatewayControlPlane, GatewayPods } from '../../gateway/binding';
import { PlannedLeg } from '../../gateway/route-model';
import { sourceKey } from '../../gateway/route-planner';
import { shortHash } from '../../util/naming';
import { EgressPolicy } from '../egress-policy';

/** How the closure's policies are rendered. */
export interface ClosureSettings {
  readonly backends: readonly IEgressBackend[];
  readonly gatewayBackends: readonly IEgressBackend[];
  readonly anyAddress: boolean;
  readonly dns?: DnsResolver[];
  readonly labels?: Record<string, string>;
  /** Annotations of the sources' (false) and the gateway pods' (true) policies. */
  readonly annotations: (gatewayEgress: boolean) => Record<string, string> | undefined;
}

interface Policies {
  readonly policies: readonly EgressPolicy[];
  readonly seen: Set<string>;
}

/** The closing policies of one gateway, extended route by route. */
export class BypassClosure {
  private readonly sources = new Map<string, Policies>();
  private gateway?: Policies;

  public constructor(private readonly scope: Construct, private readonly settings: ClosureSettings) {}

  /** Close the bypass for one more route: `pods` receive it, `controlPlane` keeps the proxies configured. */
  public add(
    sourceObj: EgressSource, source: SourceConfig, legs: readonly PlannedLeg[], pods: GatewayPods, controlPlane: GatewayControlPlane | undefined,
  ): void {
    const key = sourceKey(source);
    let entry = this.sources.get(key);
    if (!entry) {
      // Named after the source, not after how many sources came before it: adding a route for
      // another source (before or after this one) must not rename this NetworkPolicy.
      const policies = this.policies(`SourceEgress-${shortHash(key)}`, sourceObj, this.settings.backends, false, controlPlane);
      entry = { policies, seen: new Set() };
      this.sources.set(key, entry);
    }
    for (const leg of legs) {
      const target = leg.gatewayPort.targetPort;
      if (entry.seen.has(String(target))) continue;
      entry.seen.add(String(target));
      for (const p of entry.policies) p.allow(Destination.pods({ namespace: pods.namespace, labels: pods.labels }), Port.tcp(target));
    }

    if (!this.gateway) {
      this.gateway = {
        policies: this.policies('GatewayEgress', EgressSource.pods({ namespace: pods.namespace, labels: pods.labels }), this.settings.gatewayBackends, true, controlPlane),
        seen: new Set(),
      };
    }
    const gw = this.gateway;
    for (const leg of legs) {
      const k = this.settings.anyAddress ? `*|${leg.upstreamPort}` : `${leg.host}|${leg.upstreamPort}`;
      if (gw.seen.has(k)) continue;
      gw.seen.add(k);
      for (const p of gw.policies) {
        if (this.settings.anyAddress) {
          p.allow(Destination.anyIpv4(), Port.tcp(leg.upstreamPort));
          p.allow(Destination.anyIpv6(), Port.tcp(leg.upstreamPort));
        } else {
          p.allow(Destination.fqdn(leg.host), Port.tcp(leg.upstreamPort));
        }
      }
    }
  }

  /** One policy per backend: the plain id with one backend, `<id>-<backend id>` with several. */
  private policies(
    id: string, source: EgressSource, backends: readonly IEgressBackend[], gatewayEgress: boolean, controlPlane: GatewayControlPlane | undefined,
  ): EgressPolicy[] {
    const s = this.settings;
    const annotations = s.annotations(gatewayEgress);
    return backends.map((backend) => {
      const policy = new EgressPolicy(this.scope, backends.length === 1 ? id : `${id}-${backend.id}`, {
        source,
        backends: [backend],
        ...(gatewayEgress ? { allowAllAddresses: s.anyAddress } : {}),
        ...(s.dns ? { dns: s.dns } : {}),
        ...(s.labels ? { labels: s.labels } : {}),
        ...(annotations ? { annotations } : {}),
      });
      if (controlPlane) {
        policy.allow(Destination.pods({ namespace: controlPlane.namespace, labels: controlPlane.labels }), Port.tcp(controlPlane.port));
      }
      return policy;
    });
  }
}
