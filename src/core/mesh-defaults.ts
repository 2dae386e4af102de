// Where Istio's sidecars reach istiod (xDS and certificates) unless told otherwise: the proxy's
// own connection, which a Sidecar resource does not restrict but a NetworkPolicy does.
export const ISTIOD_NAMESPACE = 'istio-system';
export const ISTIOD_LABELS: Readonly<Record<string, string>> = Object.freeze({ app: 'istiod' });
export const ISTIOD_PORT = 15012;
