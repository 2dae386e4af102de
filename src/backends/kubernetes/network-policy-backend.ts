import { ApiObject, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { KUBERNETES_INFO } from './capabilities';
import { DestinationConfig, DestinationKind } from '../../core/destination';
import { NAMESPACE_NAME_LABEL } from '../../core/names';
import { EgressRuleConfig } from '../../core/policy-config';
import { PortConfig } from '../../core/port';
import { minimizeDestinations } from '../../emit/minimize';
import { plainApiObject } from '../../emit/objects';
import { configKey, configListKey } from '../../util/keys';
import { EgressBackendBase, IEgressPolicyDefinition } from '../contract';

/**
 * Renders egress policy as Kubernetes `networking.k8s.io/v1` NetworkPolicy.
 *
 * Always emits `policyTypes: [Egress]` (left out, the API server infers Egress only when egress
 * rules exist, so a deny-all policy would silently not isolate). Destinations that share the
 * same port list are folded into one rule with several peers.
 */
export class KubernetesNetworkPolicyBackend extends EgressBackendBase {
  public readonly id = KUBERNETES_INFO.id;
  public readonly displayName = 'Kubernetes NetworkPolicy';
  public readonly capabilities = [...KUBERNETES_INFO.capabilities];

  public renderPolicy(scope: Construct, id: string, policy: IEgressPolicyDefinition): ApiObject[] {
    const m = policy.metadata;
    // A plain ApiObject rather than the generated k8s.KubeNetworkPolicy (see private/objects.ts).
    const np = plainApiObject(k8s.KubeNetworkPolicy.GVK, scope, id, {
      metadata: {
        ...(m.name ? { name: m.name } : {}),
        namespace: m.namespace,
        ...(m.labels && Object.keys(m.labels).length ? { labels: m.labels } : {}),
        ...(m.annotations && Object.keys(m.annotations).length ? { annotations: m.annotations } : {}),
      },
      spec: Lazy.any({
        produce: () => {
          const config = policy.resolve();
          return {
            podSelector: config.source.podLabels ? { matchLabels: config.source.podLabels } : {},
            policyTypes: ['Egress'],
            egress: foldRules(config.rules).map(toNetworkPolicyRule),
          };
        },
      }),
    });
    return [np];
  }
}

/**
 * Merge rules whose port lists are identical into one rule with several peers (first-seen order),
 * then de-duplicate peers and merge overlapping or adjacent CIDR blocks. @internal
 */
export function foldRules(rules: readonly EgressRuleConfig[]): EgressRuleConfig[] {
  const byPorts = new Map<string, { destinations: DestinationConfig[]; ports: PortConfig[]; seen: Set<string> }>();
  for (const rule of rules) {
    const key = configListKey(rule.ports);
    let entry = byPorts.get(key);
    if (!entry) {
      entry = { destinations: [], ports: [...rule.ports], seen: new Set() };
      byPorts.set(key, entry);
    }
    for (const d of rule.destinations) {
      const dk = configKey(d);
      if (!entry.seen.has(dk)) {
        entry.seen.add(dk);
        entry.destinations.push(d);
      }
    }
  }
  return [...byPorts.values()].map(({ destinations, ports }) => ({ destinations: minimizeDestinations(destinations), ports }));
}

function toNetworkPolicyRule(rule: EgressRuleConfig): { to: k8s.NetworkPolicyPeer[]; ports?: NetworkPolicyPortJson[] } {
  return {
    to: rule.destinations.flatMap(toPeers),
    ...(rule.ports.length > 0 ? { ports: rule.ports.map(toPort) } : {}),
  };
}

/** A NetworkPolicyPort as JSON (the port is a plain number, not an IntOrString object). */
interface NetworkPolicyPortJson {
  readonly protocol: string;
  readonly port?: number;
  readonly endPort?: number;
}

function toPort(p: PortConfig): NetworkPolicyPortJson {
  return {
    protocol: p.protocol,
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}

function toPeers(d: DestinationConfig): k8s.NetworkPolicyPeer[] {
  switch (d.kind) {
    case DestinationKind.PODS: {
      const namespaceSelector = d.namespace !== undefined
        ? { matchLabels: { [NAMESPACE_NAME_LABEL]: d.namespace } }
        : d.namespaceLabels ? { matchLabels: d.namespaceLabels } : undefined;
      return [{
        ...(d.podLabels ? { podSelector: { matchLabels: d.podLabels } } : {}),
        ...(namespaceSelector ? { namespaceSelector } : {}),
      }];
    }
    case DestinationKind.CIDR:
      return [{ ipBlock: { cidr: d.cidr!, ...(d.except && d.except.length ? { except: d.except } : {}) } }];
    case DestinationKind.KUBE_API_SERVER:
      return (d.apiServerCidrs ?? []).map((cidr) => ({ ipBlock: { cidr } }));
    default:
      // Capability checks in the constructs keep hostnames away from this backend.
      throw new Error(`Kubernetes NetworkPolicy cannot express destination kind ${d.kind}`);
  }
}
