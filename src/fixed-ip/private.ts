// Helpers shared by the FixedEgressIp providers. Not exported from the package.
import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DestinationConfig } from '../core/destination';
import { EgressError } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { labelsCompatible, labelsMatch } from '../core/names';
import { EgressSource } from '../core/source';
import { Workload } from '../core/workload';
import { Cidr, cidrContains, cidrsOverlap, isCidr, parseCidr } from '../util/cidr';

/**
 * The workload behind `EgressSource.workload()` (cdk8s-plus of any major, or L1), or undefined
 * for other sources.
 */
export function workloadOf(source: EgressSource): Workload | undefined {
  return source._workload();
}

/** The pods a source stands for: a selector, plus the exact pod labels when it is a workload. */
interface PodSet {
  readonly namespace: string;
  readonly selector: Record<string, string>;
  readonly exact?: Record<string, string>;
}

/** Pod sets of label-selector sources, which are immutable values (workloads are read each time). */
const POD_SETS = new WeakMap<EgressSource, PodSet>();

function podSetOf(source: EgressSource): PodSet {
  const cached = POD_SETS.get(source);
  if (cached) return cached;
  const cfg = source.toConfig();
  const w = workloadOf(source);
  const set: PodSet = { namespace: cfg.namespace, selector: cfg.podLabels ?? {}, ...(w ? { exact: podTemplateLabels(w) } : {}) };
  if (!w) POD_SETS.set(source, set);
  return set;
}

/**
 * True when some pod can be selected by both sources. A workload's pods carry exactly its pod
 * template labels; two label selectors overlap unless they require different values for a key.
 */
export function sourcesOverlap(a: EgressSource, b: EgressSource): boolean {
  const [x, y] = [podSetOf(a), podSetOf(b)];
  if (x.namespace !== y.namespace) return false;
  if (x.exact && y.exact) return labelsMatch(y.selector, x.exact) || labelsMatch(x.selector, y.exact);
  if (x.exact) return labelsMatch(y.selector, x.exact);
  if (y.exact) return labelsMatch(x.selector, y.exact);
  return labelsCompatible(x.selector, y.selector);
}

interface Block { readonly cidr: Cidr; readonly except: Cidr[] }

function blocks(dests: readonly DestinationConfig[]): Block[] {
  const out: Block[] = [];
  for (const d of dests) {
    const c = d.cidr !== undefined ? parseCidr(d.cidr) : undefined;
    if (c === undefined || !isCidr(c)) continue;
    out.push({ cidr: c, except: (d.except ?? []).map((e) => parseCidr(e)).filter(isCidr) });
  }
  return out;
}

/**
 * True when some address is covered by a destination of each list. `undefined` means every
 * address. `except` blocks are honoured where one block nests in the other.
 */
export function destinationsOverlap(a: readonly DestinationConfig[] | undefined, b: readonly DestinationConfig[] | undefined): boolean {
  if (a === undefined || b === undefined) return true;
  for (const x of blocks(a)) {
    for (const y of blocks(b)) {
      if (!cidrsOverlap(x.cidr, y.cidr)) continue;
      // Blocks nest: the overlap is the inner block. It is not covered when an exception of
      // either side swallows it whole.
      const [outer, inner] = cidrContains(x.cidr, y.cidr) ? [x, y] : [y, x];
      if (outer.except.some((e) => cidrContains(e, inner.cidr))) continue;
      return true;
    }
  }
  return false;
}

/**
 * Cluster-scoped kinds must not carry `metadata.namespace`. cdk8s copies the chart's namespace
 * into every ApiObject; remove it again.
 */
export function makeClusterScoped(obj: ApiObject): ApiObject {
  if (obj.metadata.namespace !== undefined) obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  return obj;
}

/** A Go duration string (`10m`, `1h30m`, `45s`) for a whole number of seconds. */
export function goDuration(d: Duration): string {
  let s = d.toSeconds();
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}` || '0s';
}

/** The annotations currently on a workload's pod template. */
export function podTemplateAnnotations(w: Workload): Record<string, string> {
  return w.podAnnotations();
}

/** The labels currently on a workload's pod template. */
export function podTemplateLabels(w: Workload): Record<string, string> {
  return w.podLabels();
}

/**
 * Put `annotations` on a workload's pod template. Refuses to overwrite a different value that
 * is already there, and checks at synth that nothing overwrote them afterwards.
 */
export function annotatePodTemplate(scope: IConstruct, w: Workload, annotations: Record<string, string>, what: string): void {
  const existing = podTemplateAnnotations(w);
  for (const [k, v] of Object.entries(annotations)) {
    if (existing[k] !== undefined && existing[k] !== v) {
      throw EgressError.at(scope, EgressErrorCode.CONFLICTING_OPTIONS,
        `The pod template of ${w.path} already has annotation ${k}: ${JSON.stringify(existing[k])}, and ${what} needs ${JSON.stringify(v)}. `
        + 'Remove the annotation from the workload, or give the workload a single fixed egress address');
    }
  }
  const missing = Object.fromEntries(Object.entries(annotations).filter(([k]) => existing[k] === undefined));
  if (Object.keys(missing).length > 0) w.addPodAnnotations(missing);
  scope.node.addValidation({
    validate: () => {
      const now = podTemplateAnnotations(w);
      return Object.entries(annotations)
        .filter(([k, v]) => now[k] !== v)
        .map(([k, v]) => `The pod-template annotation ${k}: ${JSON.stringify(v)} that ${what} put on ${w.path} was changed to ${JSON.stringify(now[k])} afterwards, `
          + `so the pods would not get their fixed egress address. Do not set ${k} on the workload yourself (${EgressErrorCode.CONFLICTING_OPTIONS})`);
    },
  });
}
