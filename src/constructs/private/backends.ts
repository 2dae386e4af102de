// The `backends` prop shared by every construct that emits egress policies: checked the same way
// everywhere, and rendered once per backend (in the construct itself when there is one, in a child
// named after the backend when there are several, so one backend's objects keep their names).
import { Construct } from 'constructs';
import { IEgressBackend, backendProblems } from '../../backends/contract';
import { EgressBackend } from '../../backends/egress-backend';
import { EgressError, raise } from '../../core/egress-error';
import { EgressErrorCode } from '../../core/errors';

/**
 * The backends a construct renders with: the given ones (each valid, at least one, none twice),
 * or Kubernetes NetworkPolicy.
 */
export function policyBackends(scope: Construct, given: readonly IEgressBackend[] | undefined, construct: string): IEgressBackend[] {
  for (const b of given ?? []) raise(scope, backendProblems(b));
  const backends = given ? [...given] : [EgressBackend.kubernetes()];
  if (backends.length === 0) {
    throw EgressError.at(scope, EgressErrorCode.EMPTY_POLICY, `${construct} was given an empty backends list: omit it for Kubernetes NetworkPolicy, or name the backends`);
  }
  const ids = backends.map((b) => b.id);
  const dup = ids.find((b, i) => ids.indexOf(b) !== i);
  if (dup) {
    throw EgressError.at(scope, EgressErrorCode.DUPLICATE_RULE, `Backend "${dup}" is listed twice in backends: list each backend once`);
  }
  return backends;
}

/** Where a backend's objects are rendered: the construct itself for a single backend, else a child named after the backend. */
export function backendScope(scope: Construct, backend: IEgressBackend, backends: readonly IEgressBackend[]): Construct {
  return backends.length === 1 ? scope : new Construct(scope, backend.id);
}

/** The name of a backend's objects: the given name for a single backend, else the name and the backend id. */
export function backendObjectName(name: string | undefined, backend: IEgressBackend, backends: readonly IEgressBackend[]): string | undefined {
  return name === undefined || backends.length === 1 ? name : `${name}-${backend.id}`;
}
