// The release of an enforcement system (Cilium, Istio, Calico) that the output targets: declared per
// backend (`version` option), app-wide (a context key), or the default, which is the release of
// the pinned CRDs. Every version-dependent choice reads it, so nothing is emitted that the declared
// release lacks. Versions compare by MAJOR.MINOR; a patch or pre-release suffix is accepted and
// ignored (features arrive in minor releases).
import { IConstruct } from 'constructs';
import { EgressError } from './egress-error';
import { EgressErrorCode } from './errors';
import type { BackendVersion } from './policy-config';
import { AppState, StateKey } from '../util/app-state';

/** One product whose release the output depends on. */
export interface VersionedProduct {
  /** Human name, e.g. `Cilium`. */
  readonly product: string;
  /** Where the option is set, e.g. `EgressBackend.cilium({ version })`. */
  readonly option: string;
  /** App-wide context key, e.g. `cdk8s-egress:ciliumVersion`. */
  readonly contextKey: string;
  /** The default release (`MAJOR.MINOR`) and why it is the default. */
  readonly defaultVersion: string;
  readonly defaultReason: string;
  /** The oldest release accepted, and why. */
  readonly oldest: string;
  readonly oldestReason: string;
  /** An example value for error messages. */
  readonly example: string;
}

/** A parsed release. */
export interface ParsedVersion {
  readonly major: number;
  readonly minor: number;
}

const FORMAT = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?$/;

/** `MAJOR.MINOR[.PATCH][-pre]` with an optional leading `v`; undefined when malformed. */
export function parseVersion(text: string): ParsedVersion | undefined {
  const m = FORMAT.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

/** -1, 0 or 1. */
export function compareVersions(a: ParsedVersion, b: ParsedVersion): number {
  return a.major !== b.major ? Math.sign(a.major - b.major) : Math.sign(a.minor - b.minor);
}

/** True when `v` is `threshold` (`MAJOR.MINOR`) or later. */
export function atLeast(v: ParsedVersion, threshold: string): boolean {
  return compareVersions(v, parseVersion(threshold)!) >= 0;
}

/** A resolved release: parsed, with its `MAJOR.MINOR` text and where it was declared. */
export interface ResolvedVersion extends ParsedVersion, BackendVersion {}

/**
 * The release `product` is declared to run: the backend's own option, else the app-wide context
 * key, else the default. Throws EGRESS_INVALID_VERSION (at `scope`) for a malformed value, a
 * non-string context value, another major release, or a release older than the oldest accepted.
 */
export function resolveVersion(scope: IConstruct, spec: VersionedProduct, option: string | undefined): ResolvedVersion {
  let raw: unknown = option;
  let declaredBy = spec.option;
  if (option === undefined) {
    raw = scope.node.tryGetContext(spec.contextKey);
    declaredBy = `context ${spec.contextKey}`;
  }
  if (raw === undefined || raw === null) {
    const d = parseVersion(spec.defaultVersion)!;
    return { ...d, version: spec.defaultVersion, declaredBy: `default (${spec.defaultReason}; declare yours with ${spec.option} or the ${spec.contextKey} context)` };
  }
  const where = option === undefined ? `the ${spec.contextKey} context value` : spec.option;
  if (typeof raw !== 'string') {
    throw EgressError.at(scope, EgressErrorCode.INVALID_VERSION,
      `Invalid ${where} ${JSON.stringify(raw)}: the ${spec.product} release must be a string such as "${spec.example}" `
      + '(a number loses trailing zeros: 1.20 reads as 1.2). Quote it');
  }
  const v = parseVersion(raw);
  if (v === undefined) {
    throw EgressError.at(scope, EgressErrorCode.INVALID_VERSION,
      `Invalid ${where} "${raw}": give the ${spec.product} release your cluster runs as MAJOR.MINOR, for example "${spec.example}" (a patch number such as "${spec.example}.2" is accepted and ignored)`);
  }
  const oldest = parseVersion(spec.oldest)!;
  if (v.major !== oldest.major || compareVersions(v, oldest) < 0) {
    throw EgressError.at(scope, EgressErrorCode.INVALID_VERSION,
      `Unsupported ${where} "${raw}": cdk8s-egress supports ${spec.product} ${spec.oldest} and later ${oldest.major}.x releases (${spec.oldestReason}). `
      + `Upgrade ${spec.product}, or enforce this policy with another backend`);
  }
  return { ...v, version: `${v.major}.${v.minor}`, declaredBy };
}

/**
 * A per-app cache of the resolved version of one backend instance (the context is read once per
 * app root; an explicit option is the same for every scope).
 */
export class VersionCache {
  /** One slot per cache (per backend instance) in each app's state. */
  private readonly key: StateKey<ResolvedVersion>;

  public constructor(private readonly spec: VersionedProduct, private readonly option: string | undefined) {
    this.key = StateKey.local<ResolvedVersion>(`version of ${spec.product}`);
  }

  public at(scope: IConstruct): ResolvedVersion {
    return AppState.of(scope).get(this.key, () => resolveVersion(scope, this.spec, this.option));
  }
}
