// `Kind/namespace/name`: how the library names a Kubernetes object it rendered, in
// ModelPolicy.objectRef, EgressFact.objectRefs and the report. Those fields are public strings (the
// shape is part of the API), so the text is written by `objectRef` and read back by
// `parseObjectRef`, here and nowhere else.

/** An object as its reference names it; `namespace` is '' for a cluster-scoped object. */
export interface ObjectRefParts {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** The parts of an ApiObject a reference needs (structural, so core needs no cdk8s import). */
export interface ObjectRefSource {
  readonly kind: string;
  readonly name: string;
  readonly metadata: { readonly namespace?: string };
}

/** `Kind/namespace/name` of a rendered object (`ClusterNetworkPolicy//name` when cluster-scoped). */
export function objectRef(o: ObjectRefSource): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.name}`;
}

/**
 * The parts of a `Kind/namespace/name` reference; undefined for anything else (a construct path a
 * policy without objects stands in with, a reference recorded by hand in another shape).
 */
export function parseObjectRef(ref: string): ObjectRefParts | undefined {
  const parts = ref.split('/');
  if (parts.length !== 3 || !parts[0] || !parts[2]) return undefined;
  const [kind, namespace, name] = parts;
  return { kind, namespace, name };
}
