// Every context key the library reads, in one place (docs and tests check against it).
import { CLUSTER_CIDRS_CONTEXT } from './cluster-ranges';
import { NODE_LOCAL_DNS_CACHE_CONTEXT } from './dns-defaults';
import { VERBOSE_WARNINGS_CONTEXT } from './warning-catalogue';
import { CALICO_VERSION_CONTEXT } from '../backends/calico/versions';
import { CILIUM_VERSION_CONTEXT } from '../backends/cilium/versions';
import { ISTIO_VERSION_CONTEXT } from '../backends/istio/istio-backend';

/** The `cdk8s-egress:` context keys, sorted. */
export const CONTEXT_KEYS: readonly string[] = Object.freeze([
  CALICO_VERSION_CONTEXT, CILIUM_VERSION_CONTEXT, CLUSTER_CIDRS_CONTEXT,
  ISTIO_VERSION_CONTEXT, NODE_LOCAL_DNS_CACHE_CONTEXT, VERBOSE_WARNINGS_CONTEXT,
].sort());
