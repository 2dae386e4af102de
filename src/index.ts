// Backend-neutral vocabulary
export * from './core/errors';
export { egressErrorCode, isEgressError } from './core/egress-error';
export * from './core/port-config';
export * from './core/port';
export * from './core/source-config';
export * from './core/source';
export * from './core/destination-config';
export * from './core/destination';
export * from './core/dns-resolver';
export * from './core/warning-ids';
export * from './core/warnings';
export * from './core/policy-config';
// Backend contract, and the factories of the bundled backends (which load a vendor module on first use)
export * from './backends/contract';
export * from './backends/egress-backend';
// Intent constructs
export * from './constructs/egress-policy';
export * from './constructs/dns-egress-rule';
export * from './constructs/default-deny-egress';
export * from './constructs/allowed-external-service';
export * from './constructs/fixed-egress-ip';
export * from './constructs/egress-gateway';
export * from './constructs/egress-route';
// Egress gateway providers: the contract, its factory and the Istio implementation
export * from './gateway/provider';
export * from './gateway/egress-gateway-provider';
export * from './gateway/http-rule';
export * from './gateway/istio/provider';
export * from './gateway/istio/options';
export * from './fixed-ip/contract';
export * from './fixed-ip/fixed-egress-ip-provider';
export * from './core/cluster-cidrs';
export * from './fixed-ip/options';
export * from './fixed-ip/cilium-values';
// What the library knows its output allows
export * from './model/policy';
export * from './model/facts';
export * from './model/probe';
export * from './model/egress-model';
export * from './model/gateway-route-fact';
export { DeclaredIntents } from './checks/intents';
// Monitoring and the explain report
export * from './constructs/egress-monitoring';
export * from './report/egress-report';
export * from './model/fact-details';
// Backend options
export * from './backends/cilium/options';
export * from './backends/calico/options';
export * from './backends/istio/options';
export * from './backends/cluster-network-policy/options';
