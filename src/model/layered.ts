// Every layer's verdict for a probe, hop by hop: directly (network, then mesh), or through the
// gateway route that carries it (pod → gateway, then the gateway's own hop out).
import { EgressFact } from './facts';
import { gatewayHop, routeCarries, routesFrom } from './gateway-path';
import { meshVerdict } from './mesh-verdict';
import { layerVerdict, networkVerdict } from './network-verdict';
import { ModelPolicy } from './policy';
import { LayerVerdict, Probe, ProbePod, Verdict } from './probe';
import { EnforcementLayer } from '../core/policy-config';
import { Protocol } from '../core/port';

/**
 * Every layer's verdict for a probe, hop by hop. @internal
 */
export function checkLayered(
  policiesOf: (pod: ProbePod) => readonly ModelPolicy[], facts: readonly EgressFact[], probe: Probe, gatewayHops?: Map<string, LayerVerdict>,
): Verdict {
  const routes = routesFrom(facts, probe.from.namespace);
  const route = probe.toHostname === undefined ? undefined : routes.find((r) => routeCarries(r, probe));
  let layers: LayerVerdict[];
  if (route) {
    // The sidecar sends the connection to the gateway (the route's VirtualService), which opens
    // its own connection to the destination.
    const [upstream, gatewayPort] = route.legs.get(probe.port)!;
    const toGateway: Probe = { from: probe.from, toPod: route.gatewayPod, port: gatewayPort, protocol: Protocol.TCP };
    const fromGateway: Probe = { ...probe, from: route.gatewayPod, port: upstream, skipsMesh: true };
    layers = [
      networkVerdict(policiesOf(probe.from), toGateway, 'pod → gateway'),
      layerVerdict(EnforcementLayer.MESH, 'pod → gateway', [], [`route ${route.fact.constructPath}`]),
      gatewayHop(policiesOf, route, fromGateway, gatewayHops),
    ];
  } else {
    const mine = policiesOf(probe.from);
    layers = [networkVerdict(mine, probe)];
    const mesh = meshVerdict(mine, probe, routes);
    if (mesh.isolated) layers.push(mesh);
  }
  const deciding = layers.find((l) => !l.allowed);
  return {
    allowed: deciding === undefined,
    isolated: layers.some((l) => l.isolated),
    allowedBy: deciding ? [] : [...new Set(layers.flatMap((l) => l.allowedBy))].sort(),
    layers,
    ...(deciding ? { decidingLayer: deciding } : {}),
    ...(route ? { gateway: route.gateway } : {}),
  };
}
