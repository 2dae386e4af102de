import { describeCidr, labelText } from './describe';
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { Check, list, optionalStruct, raiseUnscoped, required, str, stringMap, struct } from './inputs';
import { labelProblems, namespaceProblems, sortedLabels } from './names';
import { Cidr, CidrProblem, IpFamily, cidrContains, cidrProblemText, isCidr, parseCidr } from '../util/cidr';
import { registerFactories, show } from '../util/show';

/**
 * The kind of a destination.
 */
export enum DestinationKind {
  /** Pods selected by labels, in the policy's namespace, a named namespace or namespaces by labels. */
  PODS = 'Pods',
  /** An IPv4 or IPv6 block, optionally with exceptions. */
  CIDR = 'Cidr',
  /** An exact hostname (`api.github.com`). */
  FQDN = 'Fqdn',
  /** A hostname pattern with one leading wildcard label (`*.googleapis.com`). */
  FQDN_PATTERN = 'FqdnPattern',
  /** Every subdomain of a domain, at any depth (`*.googleapis.com` as Istio and Envoy read it). */
  FQDN_SUFFIX = 'FqdnSuffix',
  /** The Kubernetes API server. */
  KUBE_API_SERVER = 'KubeApiServer',
}

/**
 * A destination resolved to a backend-neutral struct. Which fields are set depends on `kind`.
 */
export interface DestinationConfig {
  /** What kind of destination this is. */
  readonly kind: DestinationKind;
  /**
   * PODS: labels the destination pods carry.
   * @default - every pod of the selected namespace(s)
   */
  readonly podLabels?: Record<string, string>;
  /**
   * PODS: the single namespace the pods are in.
   * @default - the policy's own namespace, unless `namespaceLabels` is set
   */
  readonly namespace?: string;
  /**
   * PODS: labels that select the namespaces the pods are in.
   * @default - see `namespace`
   */
  readonly namespaceLabels?: Record<string, string>;
  /**
   * CIDR: the block, canonical form.
   * @default - not a CIDR destination
   */
  readonly cidr?: string;
  /**
   * CIDR: blocks inside `cidr` that are excluded.
   * @default - no exceptions
   */
  readonly except?: string[];
  /**
   * CIDR: 4 or 6.
   * @default - not a CIDR destination
   */
  readonly ipFamily?: number;
  /**
   * FQDN: the hostname; FQDN_PATTERN: the pattern; FQDN_SUFFIX: `*.` and the domain.
   * @default - not a hostname destination
   */
  readonly hostname?: string;
  /**
   * KUBE_API_SERVER: the CIDRs of the API server endpoints, where the backend needs them.
   * @default - none given (only backends that know the API server as an entity can express it)
   */
  readonly apiServerCidrs?: string[];
}

/**
 * Options for `Destination.pods`.
 */
export interface PodsDestinationProps {
  /** Labels that select the destination pods (matchLabels). Must not be empty. */
  readonly labels: Record<string, string>;
  /**
   * The namespace of the destination pods.
   * @default - the namespace of the policy's source (or of `namespaceLabels` when set)
   */
  readonly namespace?: string;
  /**
   * Select the destination namespaces by labels instead of by name. Must not be empty.
   * @default - see `namespace`
   */
  readonly namespaceLabels?: Record<string, string>;
}

/**
 * Options for `Destination.ipv4` and `Destination.ipv6`.
 */
export interface CidrDestinationOptions {
  /**
   * Blocks inside the CIDR to exclude. Each must be a strict subset of the CIDR.
   * @default - no exceptions
   */
  readonly except?: string[];
}

/**
 * Options for `Destination.kubeApiServer`.
 */
export interface KubeApiServerDestinationProps {
  /**
   * The API server endpoint addresses as CIDRs (`kubectl get endpoints kubernetes -n default`).
   * Needed by backends that only know IP blocks, such as Kubernetes NetworkPolicy.
   * @default - none: only backends that know the API server as an entity can express it
   */
  readonly endpoints?: string[];
}

/**
 * Where egress may go: pods, namespaces, IP blocks, hostnames, hostname patterns or the API server.
 *
 * Destinations are value objects in the style of aws-cdk's `Peer`: static factories, no scope.
 * Invalid input is reported by the construct that uses the destination, with its path.
 *
 * @example
 * Destination.pods({ labels: { app: 'database' } });
 * Destination.ipv4('203.0.113.0/24');
 * Destination.fqdn('api.github.com');
 */
export abstract class Destination {
  /** Pods by labels, in the source's namespace unless a namespace (or namespace labels) is given. */
  public static pods(props: PodsDestinationProps): Destination {
    const problems = PODS_PROPS(props, 'Destination.pods() props');
    if (problems.length > 0) return new InvalidDestination('pods', [props], problems);
    return new PodsDestination(props.labels, props.namespace, props.namespaceLabels);
  }

  /** Every pod of the named namespace. */
  public static namespace(name: string): Destination {
    const problems = str({ example: 'production' })(name, 'Destination.namespace() name');
    if (problems.length > 0) return new InvalidDestination('namespace', [name], problems);
    return new PodsDestination(undefined, name, undefined);
  }

  /** Every pod of the namespaces carrying `labels`. Labels must not be empty. */
  public static namespacesWithLabels(labels: Record<string, string>): Destination {
    const problems = labels === undefined || labels === null
      ? [emptySelector(`Destination.namespacesWithLabels() was given ${show(labels)} instead of labels, which would select every namespace. Pass the labels of the namespaces, or name one with Destination.namespace(name)`)]
      : stringMap(labels, 'Destination.namespacesWithLabels() labels');
    if (problems.length > 0) return new InvalidDestination('namespacesWithLabels', [labels], problems);
    return new PodsDestination(undefined, undefined, labels);
  }

  /**
   * An IPv4 block such as `203.0.113.0/24` (a mask is required: a single address is `/32`).
   * `0.0.0.0/0` means the whole IPv4 internet and needs the policy's explicit opt-in.
   */
  public static ipv4(cidr: string, options: CidrDestinationOptions = {}): Destination {
    return cidrDestination('ipv4', cidr, 4, options);
  }

  /**
   * An IPv6 block such as `2001:db8::/32` (a single address is `/128`).
   * `::/0` means the whole IPv6 internet and needs the policy's explicit opt-in.
   */
  public static ipv6(cidr: string, options: CidrDestinationOptions = {}): Destination {
    return cidrDestination('ipv6', cidr, 6, options);
  }

  /** Every IPv4 address (`0.0.0.0/0`). Needs the policy's explicit allow-all opt-in. */
  public static anyIpv4(options: CidrDestinationOptions = {}): Destination {
    return cidrDestination('anyIpv4', '0.0.0.0/0', 4, options);
  }

  /** Every IPv6 address (`::/0`). Needs the policy's explicit allow-all opt-in. */
  public static anyIpv6(options: CidrDestinationOptions = {}): Destination {
    return cidrDestination('anyIpv6', '::/0', 6, options);
  }

  /**
   * An exact hostname such as `api.github.com`. Needs a backend with DNS-aware policy
   * (Kubernetes NetworkPolicy has none).
   */
  public static fqdn(hostname: string): Destination {
    return hostnameDestination('fqdn', hostname, HostForm.EXACT);
  }

  /**
   * A hostname pattern with one leading wildcard label, such as `*.googleapis.com`
   * (matches `storage.googleapis.com`, not `googleapis.com`).
   */
  public static fqdnPattern(pattern: string): Destination {
    return hostnameDestination('fqdnPattern', pattern, HostForm.PATTERN);
  }

  /**
   * Every subdomain of `domain`, at any depth: `anySubdomainOf('googleapis.com')` matches
   * `storage.googleapis.com` and `eu.storage.googleapis.com`, not `googleapis.com`. This is what
   * a `*.googleapis.com` host means to Istio and Envoy; `fqdnPattern()` is the narrower
   * one-label pattern.
   */
  public static anySubdomainOf(domain: string): Destination {
    return hostnameDestination('anySubdomainOf', domain, HostForm.SUFFIX);
  }

  /** The Kubernetes API server. */
  public static kubeApiServer(props: KubeApiServerDestinationProps = {}): Destination {
    const problems = API_SERVER_PROPS(props, 'Destination.kubeApiServer() props');
    if (problems.length > 0) return new InvalidDestination('kubeApiServer', [props], problems);
    return new ApiServerDestination(props.endpoints);
  }

  /** The destination as a backend-neutral struct. */
  public abstract toConfig(): DestinationConfig;

  /** Human-readable form, used in messages and reports. */
  public abstract toString(): string;

  /** @internal */
  public abstract _problems(): Problem[];
}

registerFactories(Destination, 'Destination');

function cidrProblem(p: CidrProblem, where: string, family?: IpFamily): Problem {
  return { code: EgressErrorCode.INVALID_CIDR, message: `Invalid CIDR in ${where}: ${cidrProblemText(p, family)}` };
}

function emptySelector(message: string): Problem {
  return { code: EgressErrorCode.EMPTY_SELECTOR, message };
}

/** Labels that select pods: absent labels would select every pod, so they are an empty selector. */
function selectorLabels(fix: string): Check {
  return (v, where) => (v === undefined || v === null ? [emptySelector(`${where} is ${show(v)}: ${fix}`)] : stringMap(v, where));
}

const PODS_LABELS_FIX = 'Destination.pods() needs the labels of the destination pods: without them it would select every pod. '
  + 'Pass at least one label, or use Destination.namespace(name) if every pod of one namespace is meant';

const PODS_PROPS = struct({
  labels: required(selectorLabels(PODS_LABELS_FIX), PODS_LABELS_FIX, EgressErrorCode.EMPTY_SELECTOR),
  namespace: str({ example: 'production' }),
  namespaceLabels: stringMap,
});

const CIDR_OPTIONS = optionalStruct({ except: list(str({ allowEmpty: true }), { itemName: 'CIDR strings' }) });

const API_SERVER_PROPS = optionalStruct({ endpoints: list(str({ allowEmpty: true }), { itemName: 'CIDR strings' }) });

function cidrDestination(factory: string, cidr: string, family: IpFamily, opts: CidrDestinationOptions | undefined): Destination {
  const given = factory === 'ipv4' || factory === 'ipv6' ? [cidr, opts] : [opts];
  const problems = [
    ...(factory === 'ipv4' || factory === 'ipv6' ? str({ allowEmpty: true, example: family === 4 ? '203.0.113.0/24' : '2001:db8::/32' })(cidr, `Destination.${factory}() cidr`) : []),
    ...CIDR_OPTIONS(opts, `Destination.${factory}() options`),
  ];
  if (problems.length > 0) return new InvalidDestination(factory, given.filter((g, i) => i === 0 || g !== undefined), problems);
  return new CidrDestination(cidr, family, exceptList(opts?.except));
}

function hostnameDestination(factory: string, host: string, form: HostForm): Destination {
  const problems = str({ example: form === HostForm.PATTERN ? '*.example.com' : form === HostForm.SUFFIX ? 'example.com' : 'api.example.com' })(host, `Destination.${factory}() ${form === HostForm.SUFFIX ? 'domain' : form === HostForm.PATTERN ? 'pattern' : 'hostname'}`);
  if (problems.length > 0) return new InvalidDestination(factory, [host], problems);
  return new HostnameDestination(host, form);
}

/**
 * A destination whose factory was given arguments of the wrong type or none: it reports them
 * (with the construct path, through the construct that uses it) and can be printed, but not used.
 */
class InvalidDestination extends Destination {
  public constructor(private readonly factory: string, private readonly args: readonly unknown[], private readonly problems: readonly Problem[]) {
    super();
  }

  public toConfig(): DestinationConfig {
    raiseUnscoped(this.problems);
    throw new Error('unreachable');
  }

  public toString(): string {
    return `Destination.${this.factory}(${this.args.map((a) => show(a)).join(', ')}) (invalid)`;
  }

  public _problems(): Problem[] {
    return [...this.problems];
  }
}

class PodsDestination extends Destination {
  private config?: DestinationConfig;

  public constructor(
    private readonly labels: Record<string, string> | undefined,
    private readonly ns: string | undefined,
    private readonly nsLabels: Record<string, string> | undefined,
  ) {
    super();
  }

  public toConfig(): DestinationConfig {
    // Destinations are values: the config is computed once (and frozen, as it is shared).
    this.config ??= Object.freeze({
      kind: DestinationKind.PODS,
      ...(this.labels ? { podLabels: Object.freeze(sortedLabels(this.labels)) } : {}),
      ...(this.ns !== undefined ? { namespace: this.ns } : {}),
      ...(this.nsLabels ? { namespaceLabels: Object.freeze(sortedLabels(this.nsLabels)) } : {}),
    });
    return this.config;
  }

  public toString(): string {
    const pods = this.labels ? `pods ${labelText(sortedLabels(this.labels))}` : 'every pod';
    if (this.ns !== undefined) return `${pods} in namespace ${this.ns}`;
    if (this.nsLabels) return `${pods} in namespaces ${labelText(sortedLabels(this.nsLabels))}`;
    return `${pods} in the source namespace`;
  }

  public _problems(): Problem[] {
    const problems: Problem[] = [];
    if (this.ns !== undefined && this.nsLabels !== undefined) {
      problems.push({
        code: EgressErrorCode.CONFLICTING_OPTIONS,
        message: 'Destination.pods() was given both namespace and namespaceLabels: give one of them',
      });
    }
    if (this.ns !== undefined) problems.push(...namespaceProblems(this.ns, 'destination namespace'));
    if (this.labels !== undefined) {
      if (Object.keys(this.labels).length === 0) {
        problems.push({
          code: EgressErrorCode.EMPTY_SELECTOR,
          message: 'Destination.pods() was given empty labels, which would select every pod. Pass at least one label, or use Destination.namespace(name) if every pod of one namespace is meant',
        });
      }
      problems.push(...labelProblems(this.labels, 'destination pod labels'));
    }
    if (this.nsLabels !== undefined) {
      if (Object.keys(this.nsLabels).length === 0) {
        problems.push({
          code: EgressErrorCode.EMPTY_SELECTOR,
          message: 'Empty namespace labels would select every namespace of the cluster (namespaceSelector: {}). Pass at least one label, or name the namespace',
        });
      }
      problems.push(...labelProblems(this.nsLabels, 'destination namespace labels'));
    }
    return problems;
  }
}

const NO_EXCEPT: readonly string[] = Object.freeze([]);

/** A copy of the given exceptions (later changes to the caller's array do not leak in), or none. */
function exceptList(except: readonly string[] | undefined): readonly string[] {
  return except && except.length > 0 ? [...except] : NO_EXCEPT;
}

class CidrDestination extends Destination {
  private config?: DestinationConfig;

  public constructor(private readonly cidr: string, private readonly family: IpFamily, private readonly except: readonly string[]) {
    super();
  }

  private parsed(): Cidr | undefined {
    const c = parseCidr(this.cidr, this.family);
    return isCidr(c) ? c : undefined;
  }

  public toConfig(): DestinationConfig {
    if (!this.config) {
      const c = this.parsed();
      const except = this.except.map((e) => parseCidr(e, this.family)).filter(isCidr).map((e) => e.text);
      this.config = Object.freeze({
        kind: DestinationKind.CIDR,
        cidr: c ? c.text : this.cidr,
        ipFamily: this.family,
        ...(except.length > 0 ? { except: Object.freeze([...new Set(except)].sort()) as string[] } : {}),
      });
    }
    return this.config;
  }

  public toString(): string {
    const c = this.parsed();
    return describeCidr(c ? c.text : this.cidr, this.except);
  }

  public _problems(): Problem[] {
    const factory = this.family === 4 ? 'Destination.ipv4()' : 'Destination.ipv6()';
    const c = parseCidr(this.cidr, this.family);
    if (!isCidr(c)) return [cidrProblem(c, factory, this.family)];
    const problems: Problem[] = [];
    for (const e of this.except) {
      const ec = parseCidr(e, this.family);
      if (!isCidr(ec)) {
        problems.push(cidrProblem(ec, `the except list of ${c.text}`, this.family));
      } else if (!cidrContains(c, ec) || ec.prefix === c.prefix) {
        problems.push({
          code: EgressErrorCode.INVALID_EXCEPT,
          message: `Invalid except "${e}" for ${c.text}: each exception must be a strict subset of the CIDR (a longer prefix inside it)`,
        });
      }
    }
    return problems;
  }
}

const HOST_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

enum HostForm { EXACT, PATTERN, SUFFIX }

const HOST_FACTORY: Record<HostForm, string> = {
  [HostForm.EXACT]: 'Destination.fqdn()',
  [HostForm.PATTERN]: 'Destination.fqdnPattern()',
  [HostForm.SUFFIX]: 'Destination.anySubdomainOf()',
};

class HostnameDestination extends Destination {
  private config?: DestinationConfig;

  public constructor(private readonly host: string, private readonly form: HostForm) {
    super();
  }

  public toConfig(): DestinationConfig {
    this.config ??= Object.freeze(this.form === HostForm.SUFFIX
      ? { kind: DestinationKind.FQDN_SUFFIX, hostname: `*.${this.host}` }
      : { kind: this.form === HostForm.PATTERN ? DestinationKind.FQDN_PATTERN : DestinationKind.FQDN, hostname: this.host });
    return this.config;
  }

  public toString(): string {
    return this.form === HostForm.SUFFIX ? `*.${this.host} (any depth)` : this.host;
  }

  public _problems(): Problem[] {
    return hostProblems(this.host, this.form);
  }
}

/** A hostname destination's problems (none when valid). */
function hostProblems(host: string, form: HostForm): Problem[] {
  const factory = HOST_FACTORY[form];
  const normalized = host.trim().toLowerCase().replace(/\.+$/, '');
  if (host !== normalized) {
    const again = hostProblems(normalized, form);
    if (again.length === 0) {
      return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname "${host}" in ${factory}: write it in lower case, without surrounding spaces or a trailing dot. Did you mean "${normalized}"?` }];
    }
    return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname "${host}" in ${factory}: write it in lower case, without surrounding spaces or a trailing dot; and then: ${again[0].message}` }];
  }
  if (host.includes('*')) return wildcardProblems(host, form);
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => HOST_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    const expected = form === HostForm.SUFFIX
      ? 'expected a domain of at least two labels such as "googleapis.com" (every subdomain of a top-level domain would be most of the internet)'
      : form === HostForm.PATTERN
        ? 'expected a leading "*." and a domain of at least two labels, such as "*.example.com"'
        : 'expected a fully qualified name such as "api.example.com" (at least two labels of letters, digits and \'-\')';
    const ip = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? validSuggestion(`Destination.ipv4("${host}/32")`) : undefined;
    return [{
      code: EgressErrorCode.INVALID_FQDN,
      message: `Invalid hostname "${host}" in ${factory}: ${expected}.${form === HostForm.PATTERN && labels.length >= 2 && !host.startsWith('*') && hostProblems(host, HostForm.EXACT).length === 0
        ? ` Did you mean ${validSuggestion(`Destination.fqdn("${host}")`) ?? 'Destination.fqdn()'}?`
        : ip ? ` For an IP address use ${ip}` : ' For an IP address use Destination.ipv4() with a /32 mask'}`,
    }];
  }
  if (form === HostForm.PATTERN) {
    // A pattern without a wildcard: the exact name is what it matches.
    const fix = validSuggestion(`Destination.fqdn("${host}")`);
    return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname pattern "${host}" in ${factory}: only one leading wildcard label ("*.example.com") is supported.${fix ? ` Did you mean ${fix}?` : ''}` }];
  }
  return [];
}

/**
 * Problems of a name with a wildcard. The only suggestions are ones that match exactly what the
 * input reads as (never more): a leading `*.` is one label (`fqdnPattern`), a leading `**.` any
 * depth (`anySubdomainOf`); a wildcard anywhere else has no exact equivalent.
 */
function wildcardProblems(host: string, form: HostForm): Problem[] {
  const factory = HOST_FACTORY[form];
  const oneLabel = /^\*\.([^*]+)$/.exec(host);
  const anyDepth = /^\*\*\.([^*]+)$/.exec(host);
  if (form === HostForm.PATTERN && oneLabel) {
    const rest = hostProblems(oneLabel[1], HostForm.EXACT);
    if (rest.length === 0) return [];
    return [{
      code: EgressErrorCode.INVALID_FQDN,
      message: `Invalid hostname pattern "${host}" in ${factory}: after "*." ${rest[0].message.replace(/^Invalid hostname "[^"]*" in [^:]*: /, '')}`,
    }];
  }
  const alone = /^[*.]+$/.test(host);
  const ALONE = 'A wildcard alone would match every hostname: list the services\' hostnames or their domains';
  let hint: string;
  if (alone) {
    hint = ALONE;
  } else if (anyDepth) {
    // "**." is Cilium's spelling of any depth: exactly what anySubdomainOf() means.
    const fix = validSuggestion(`Destination.anySubdomainOf("${anyDepth[1]}")`);
    hint = fix ? `"**." means subdomains at any depth: use ${fix}` : 'List the hostnames with Destination.fqdn()';
  } else if (oneLabel) {
    const fix = validSuggestion(form === HostForm.SUFFIX ? `Destination.anySubdomainOf("${oneLabel[1]}")` : `Destination.fqdnPattern("${host}")`);
    hint = fix ? (form === HostForm.SUFFIX ? `Pass the domain alone: ${fix}` : `Use ${fix}`) : 'List the hostnames with Destination.fqdn()';
  } else {
    hint = 'A wildcard is only allowed as the first label: a wildcard inside a name or a label has no exact equivalent '
      + '(a one-label pattern or every subdomain of a shorter domain would match other names). List the hostnames with Destination.fqdn()';
  }
  const why = form === HostForm.SUFFIX ? 'no wildcard is needed'
    : form === HostForm.PATTERN ? 'only one leading wildcard label ("*.example.com") is supported'
      : 'a wildcard is only allowed as the first label of a pattern (Destination.fqdnPattern())';
  return [{ code: EgressErrorCode.INVALID_FQDN, message: `Invalid hostname${form === HostForm.PATTERN ? ' pattern' : ''} "${host}" in ${factory}: ${why}. ${hint}` }];
}

/** `text` when the destination it writes is valid input, else undefined (a suggestion is never refused in turn). */
function validSuggestion(text: string): string | undefined {
  const m = /^Destination\.(fqdn|fqdnPattern|anySubdomainOf|ipv4|ipv6)\("([^"]*)"\)$/.exec(text);
  if (!m) return undefined;
  const d = m[1] === 'ipv4' ? Destination.ipv4(m[2]) : m[1] === 'ipv6' ? Destination.ipv6(m[2])
    : m[1] === 'fqdn' ? Destination.fqdn(m[2]) : m[1] === 'fqdnPattern' ? Destination.fqdnPattern(m[2]) : Destination.anySubdomainOf(m[2]);
  return d._problems().length === 0 ? text : undefined;
}

class ApiServerDestination extends Destination {
  public constructor(private readonly endpoints: string[] | undefined) {
    super();
  }

  public toConfig(): DestinationConfig {
    const cidrs = (this.endpoints ?? []).map((e) => parseCidr(e)).filter(isCidr).map((c) => c.text);
    return { kind: DestinationKind.KUBE_API_SERVER, ...(this.endpoints ? { apiServerCidrs: [...new Set(cidrs)].sort() } : {}) };
  }

  public toString(): string {
    return 'the Kubernetes API server';
  }

  public _problems(): Problem[] {
    const problems: Problem[] = [];
    for (const e of this.endpoints ?? []) {
      const c = parseCidr(e);
      if (!isCidr(c)) {problems.push(cidrProblem(c, 'Destination.kubeApiServer() endpoints'));} else if (c.prefix === 0) {
        problems.push({ code: EgressErrorCode.ALLOW_ALL, message: `API server endpoint "${e}" covers every address: list the control-plane endpoint addresses (kubectl get endpoints kubernetes -n default)` });
      }
    }
    if (this.endpoints !== undefined && this.endpoints.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_SELECTOR, message: 'Destination.kubeApiServer() was given an empty endpoints list: list the control-plane addresses or omit endpoints' });
    }
    return problems;
  }
}
