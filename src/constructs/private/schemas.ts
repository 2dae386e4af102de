// The props of every construct, as runtime checks (see inputs.ts): what each field must be, and
// the fix when a required one is missing. The constructs raise these first, with their path,
// before they read anything from their props.
import { Duration } from 'cdk8s';
import { isEgressBackend } from '../../backends/contract';
import { Destination } from '../../core/destination';
import { DnsResolver } from '../../core/dns-resolver';
import { EgressErrorCode } from '../../core/errors';
import { Check, Fields, argProblem, bool, duration, implementing, instance, isConstruct, list, num, optionalStruct, required, str, stringMap, struct } from '../../core/inputs';
import { Port } from '../../core/port';
import { EgressSource } from '../../core/source';
import { isFixedEgressIpProvider } from '../../fixed-ip/contract';
import { show } from '../../util/show';

export const SOURCE = instance(EgressSource, 'EgressSource', 'EgressSource.pods({ namespace: \'production\', labels: { app: \'backend\' } })');
export const DESTINATION = instance(Destination, 'Destination', 'Destination.ipv4(\'203.0.113.0/24\')');
export const PORT = instance(Port, 'Port', 'Port.HTTPS or Port.tcp(443)');
export const BACKEND = implementing(isEgressBackend, 'EgressBackend', 'EgressBackend.kubernetes()');
export const RESOLVERS: Check = list(instance(DnsResolver, 'DnsResolver', 'DnsResolver.kubeDns()'), {
  itemName: 'DnsResolver values',
  nestedFix: 'DnsResolver.addresses() returns a list: spread it into the list, [...DnsResolver.addresses([\'10.0.0.10/32\'])], or pass it alone',
});
export const NAME = str({ example: 'egress-control' });

/** A list of ports that must not be empty: an empty list would mean every port and protocol. */
export function portList(emptyFix: string): Check {
  return list(PORT, { nonEmpty: true, emptyCode: EgressErrorCode.EMPTY_POLICY, emptyFix, itemName: 'Port values' });
}

const SOURCE_MISSING = 'name the pods whose egress this controls, e.g. EgressSource.pods({ namespace: \'production\', labels: { app: \'backend\' } })';

export const BACKENDS: Check = list(BACKEND, { itemName: 'EgressBackend values' });

/** Props removed when one name was given to each concept: the name that replaced each, for "did you mean". */
const RENAMED = { renamed: { backend: 'backends', resolvers: 'dns', sources: 'source' } } as const;

/** Fields of EgressPolicyOptions, shared by the policy constructs. */
export const POLICY_OPTIONS: Fields = { backends: BACKENDS, name: NAME, labels: stringMap, annotations: stringMap };

const RULE = struct({
  destination: required(DESTINATION, 'give the destination of the rule, e.g. { destination: Destination.ipv4(\'203.0.113.0/24\'), ports: [Port.HTTPS] }'),
  ports: portList('an empty ports list would allow every port and protocol. Leave ports out if every port is meant, or list them'),
});

export const EGRESS_POLICY_PROPS = struct({
  ...POLICY_OPTIONS,
  source: required(SOURCE, SOURCE_MISSING),
  rules: list(RULE, { itemName: 'rules ({ destination, ports })' }),
  dns: RESOLVERS,
  allowAllAddresses: bool,
}, RENAMED);

export const DNS_EGRESS_RULE_PROPS = struct({
  ...POLICY_OPTIONS,
  source: required(SOURCE, 'name the pods that need DNS, e.g. EgressSource.namespace(\'production\')'),
  dns: RESOLVERS,
}, RENAMED);

export const DEFAULT_DENY_EGRESS_PROPS = struct({
  ...POLICY_OPTIONS,
  source: required(SOURCE, 'name the pods to isolate, e.g. EgressSource.namespace(\'production\')'),
  dns: RESOLVERS,
}, RENAMED);

/** An EgressGateway (checked by shape: the gateway module loads the Istio renderer). */
const GATEWAY: Check = (v, where) => (isConstruct(v) && typeof (v as { addRoute?: unknown }).addRoute === 'function'
  ? [] : [argProblem(where, v, 'an EgressGateway')]);

export const ALLOWED_EXTERNAL_SERVICE_PROPS = struct({
  source: required(SOURCE, SOURCE_MISSING),
  destinations: required(list(DESTINATION, { itemName: 'Destination values' }),
    'list the hostnames, hostname patterns or address blocks of the service, e.g. [Destination.fqdn(\'api.example.com\')]'),
  ports: required(portList('an empty ports list would allow every port and protocol of the service. List its ports, e.g. [Port.HTTPS]'),
    'list the ports of the service, e.g. ports: [Port.HTTPS] (a missing list never means every port)'),
  backends: BACKENDS,
  dns: RESOLVERS,
  allowAllAddresses: bool,
  gateway: GATEWAY,
  name: NAME,
  labels: stringMap,
  annotations: stringMap,
}, RENAMED);

export const CLUSTER_CIDRS = struct({
  podCidrs: list(str({ allowEmpty: true }), { itemName: 'CIDR strings' }),
  serviceCidrs: list(str({ allowEmpty: true }), { itemName: 'CIDR strings' }),
});

/** One EgressSource; a list gets the factory that joins several. */
const FIXED_IP_SOURCE: Check = (v, where) => (Array.isArray(v) && v.length > 1 && v.every((s) => s instanceof EgressSource)
  ? [argProblem(where, v, 'one EgressSource', `For several sets of pods that share the address, join them: EgressSource.anyOf(${v.map((s) => show(s)).join(', ')})`)]
  : SOURCE(v, where));

export const FIXED_EGRESS_IP_PROPS = struct({
  source: required(FIXED_IP_SOURCE, 'name the pods that need the fixed address, e.g. EgressSource.workload(deployment), or EgressSource.anyOf(a, b) for several'),
  provider: required(implementing(isFixedEgressIpProvider, 'FixedEgressIpProvider', 'FixedEgressIpProvider.cilium({ nodeSelector: { \'egress-gateway\': \'true\' } })'),
    'say how the address is provided, e.g. FixedEgressIpProvider.cilium({ nodeSelector: { \'egress-gateway\': \'true\' }, egressIp: \'10.0.0.100\' })'),
  destinations: list(DESTINATION, { itemName: 'Destination values' }),
  allowAllAddresses: bool,
  clusterCidrs: CLUSTER_CIDRS,
  name: NAME,
  labels: stringMap,
  annotations: stringMap,
}, RENAMED);

export const EGRESS_GATEWAY_PROPS = optionalStruct({
  provider: (v, where) => (typeof v === 'object' && v !== null && typeof (v as { _problems?: unknown })._problems === 'function' && typeof (v as { _bind?: unknown })._bind === 'function'
    ? [] : [argProblem(where, v, 'an egress gateway provider, e.g. EgressGatewayProvider.istio()')]),
  name: str({ example: 'egress-gateway' }),
  mtls: bool,
  bypassClosure: bool,
  backends: list(BACKEND, { itemName: 'EgressBackend values' }),
  gatewayBackends: list(BACKEND, { itemName: 'EgressBackend values' }),
  allowGatewayEgressToAnyAddress: bool,
  dns: RESOLVERS,
  accessLogging: bool,
  logBlockedSourceAttempts: bool,
  denyPolicyName: NAME,
  labels: stringMap,
  annotations: stringMap,
});

/** HttpRule values (checked by shape, the class lives with the gateway). */
const HTTP_RULE: Check = (v, where) => ((v as { constructor?: { name?: string } } | null)?.constructor?.name === 'HttpRule'
  ? [] : [argProblem(where, v, 'an HttpRule, e.g. HttpRule.get(\'/v1/*\')')]);

const ROUTE_FIELDS = {
  source: required(SOURCE, SOURCE_MISSING),
  destinations: required(list(DESTINATION, { itemName: 'Destination values' }), 'list the external hosts, e.g. [Destination.fqdn(\'api.example.com\')]'),
  ports: required(list(PORT, { itemName: 'Port values' }), 'list the ports with their application protocol, e.g. [Port.HTTPS]'),
  tlsOrigination: bool,
  originationPort: num(),
  httpRules: list(HTTP_RULE, { itemName: 'HttpRule values' }),
  serviceAccounts: list(str({ example: 'checkout' }), { itemName: 'service account names' }),
  name: NAME,
};

export const EGRESS_ROUTE_OPTIONS = struct(ROUTE_FIELDS);

export const EGRESS_ROUTE_PROPS = struct({ ...ROUTE_FIELDS, gateway: required(GATEWAY, 'pass the EgressGateway the traffic goes through, e.g. gateway: new EgressGateway(chart, \'egress\')') });

const DURATION = duration(Duration);

export const EGRESS_MONITORING_PROPS = struct({
  ruleSelectorLabels: stringMap,
  namespace: str({ example: 'monitoring' }),
  name: NAME,
  podMonitorSelectorLabels: stringMap,
  podMonitors: bool,
  scrapeInterval: DURATION,
  hosts: list(str({ example: 'api.example.com' }), { itemName: 'hostnames' }),
  rateWindow: DURATION,
  errorRatioThreshold: num(),
  errorRatioFor: DURATION,
  blockedAttemptsWindow: DURATION,
  blockedAttemptsThreshold: num(),
  passthroughAlerts: bool,
  gatewayDownFor: DURATION,
  gatewayMinAvailable: num(),
  kubeStateMetrics: bool,
  trafficAnomalyFactor: num(),
  trafficAnomalyMinBytesPerSecond: num(),
  trafficAnomalyBaseline: DURATION,
  trafficAnomalyFor: DURATION,
  ciliumAlerts: bool,
  policyDropThreshold: num(),
  applicationMetrics: struct({
    requestsMetric: str({ example: 'egress_requests_total' }),
    errorsMetric: str({ example: 'egress_errors_total' }),
    groupBy: list(str({ example: 'namespace' }), { itemName: 'label names' }),
    errorRatioThreshold: num(),
    namespaces: list(str({ example: 'production' }), { itemName: 'namespace names' }),
  }),
  alertLabels: stringMap,
  labels: stringMap,
  annotations: stringMap,
});
