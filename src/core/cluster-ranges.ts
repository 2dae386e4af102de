// The cluster's own address ranges, declared as props or in the `cdk8s-egress:clusterCidrs`
// context, and CIDR lists parsed with the construct path in their errors. Shared by the intent
// constructs (IP blocks that reach into the cluster) and the fixed-IP providers.
import { IConstruct } from 'constructs';
import { ClusterCidrs } from './cluster-cidrs';
import { CLUSTER_CIDRS_CONTEXT, checkContextValue, recordContextRead } from './context';
import { EgressError, raise } from './egress-error';
import { EgressErrorCode } from './errors';
import { list, str } from './inputs';
import { Cidr, cidrProblemText, isCidr, parseCidr } from '../util/cidr';


/** Parse a list of CIDRs or throw with the construct path. */
export function parseCidrList(scope: IConstruct, values: readonly string[], where: string): Cidr[] {
  raise(scope, list(str({ allowEmpty: true }), { itemName: 'CIDR strings' })(values, where));
  return values.map((v) => {
    const c = parseCidr(v);
    if (!isCidr(c)) {
      throw EgressError.at(scope, EgressErrorCode.INVALID_CIDR,
        `Invalid CIDR in ${where}: ${cidrProblemText(c)}`);
    }
    return c;
  });
}

/** Context key read when `clusterCidrs` is not given: `{ "podCidrs": [...], "serviceCidrs": [...] }`. */
export { CLUSTER_CIDRS_CONTEXT };

/** Parsed context values, by value (the context object is shared by every construct of an app). */
const CONTEXT_RANGES = new WeakMap<object, { pods: Cidr[]; services: Cidr[] }>();

/** The cluster ranges declared in the `cdk8s-egress:clusterCidrs` context, or undefined. */
export function contextClusterRanges(scope: IConstruct): { pods: Cidr[]; services: Cidr[] } | undefined {
  const value = scope.node.tryGetContext(CLUSTER_CIDRS_CONTEXT) as ClusterCidrs | undefined;
  if (value === undefined || value === null) return undefined;
  checkContextValue(scope, CLUSTER_CIDRS_CONTEXT, value);
  recordContextRead(scope, CLUSTER_CIDRS_CONTEXT, value);
  let ranges = CONTEXT_RANGES.get(value);
  if (!ranges) {
    ranges = clusterRanges(scope, value, `the ${CLUSTER_CIDRS_CONTEXT} context's `);
    CONTEXT_RANGES.set(value, ranges);
  }
  return ranges;
}

/** The declared cluster ranges, parsed (invalid entries throw). */
export function clusterRanges(scope: IConstruct, cidrs: ClusterCidrs | undefined, where = 'clusterCidrs.'): { pods: Cidr[]; services: Cidr[] } {
  return {
    pods: parseCidrList(scope, cidrs?.podCidrs ?? [], `${where}podCidrs`),
    services: parseCidrList(scope, cidrs?.serviceCidrs ?? [], `${where}serviceCidrs`),
  };
}
