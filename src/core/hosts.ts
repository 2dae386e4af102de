// Hostname matching for the three hostname destination kinds: an exact name, a one-label
// pattern (`*.example.com` matching `a.example.com` only) and every subdomain at any depth (the
// same text as Istio, Envoy and Calico read it).
import { DestinationConfig, DestinationKind } from './destination-config';

/** True when the hostname destination `d` matches `host`. False for other kinds. */
export function hostnameMatches(d: DestinationConfig, host: string): boolean {
  switch (d.kind) {
    case DestinationKind.FQDN:
      return host === d.hostname;
    case DestinationKind.FQDN_PATTERN: {
      const suffix = d.hostname!.slice(1); // ".example.com"
      return host.length > suffix.length && host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.');
    }
    case DestinationKind.FQDN_SUFFIX: {
      const suffix = d.hostname!.slice(1);
      return host.length > suffix.length && host.endsWith(suffix);
    }
    default:
      return false;
  }
}

/** True when every hostname `inner` matches is also matched by `outer` (both hostname kinds). */
export function hostnameCovers(outer: DestinationConfig, inner: DestinationConfig): boolean {
  if (inner.hostname === undefined || outer.hostname === undefined) return false;
  if (outer.kind === inner.kind && outer.hostname === inner.hostname) return true;
  switch (inner.kind) {
    case DestinationKind.FQDN:
      return hostnameMatches(outer, inner.hostname);
    case DestinationKind.FQDN_PATTERN:
    case DestinationKind.FQDN_SUFFIX:
      // `*.a.example.com` (either kind) lies under `*.example.com` at any depth; a one-label
      // outer pattern covers only the same one-label pattern (handled above).
      return outer.kind === DestinationKind.FQDN_SUFFIX
        && (inner.hostname === outer.hostname || inner.hostname.slice(1).endsWith(outer.hostname.slice(1)));
    default:
      return false;
  }
}

/**
 * A host as Istio writes it (`api.example.com`, or `*.example.com` for every subdomain at any
 * depth) as a destination config.
 */
export function istioHostDestination(host: string): DestinationConfig {
  return { kind: host.startsWith('*.') ? DestinationKind.FQDN_SUFFIX : DestinationKind.FQDN, hostname: host };
}

/** True for the kinds that name hosts rather than addresses or pods. */
export function isHostnameKind(kind: DestinationKind): boolean {
  return kind === DestinationKind.FQDN || kind === DestinationKind.FQDN_PATTERN || kind === DestinationKind.FQDN_SUFFIX;
}
