// Destination: the value object and its factories. Each kind is an internal spec (its config,
// text and rules); the factory checks the arguments, and the destination finds its problems once,
// when it is built. The consuming construct raises them with its path.
import { describeCidr, labelText } from './describe';
import { CidrDestinationOptions, DestinationConfig, DestinationKind, KubeApiServerDestinationProps, PodsDestinationProps } from './destination-config';
import { Problem } from './egress-error';
import { EgressErrorCode } from './errors';
import { HostForm, hostProblems } from './hostname-rules';
import { Check, list, optionalStruct, raiseUnscoped, required, str, stringMap, struct } from './inputs';
import { labelProblems, namespaceProblems, sortedLabels } from './names';
import { Cidr, CidrProblem, IpFamily, cidrContains, cidrProblemText, isCidr, parseCidr } from '../util/cidr';
import { registerFactories, show } from '../util/show';

export * from './destination-config';

/** One kind of destination: what it resolves to, how it reads, and its problems. */
interface DestinationSpec {
  config(): DestinationConfig;
  text(): string;
  problems(): readonly Problem[];
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
export class Destination {
  /** Pods by labels, in the source's namespace unless a namespace (or namespace labels) is given. */
  public static pods(props: PodsDestinationProps): Destination {
    const problems = PODS_PROPS(props, 'Destination.pods() props');
    if (problems.length > 0) return new Destination(new InvalidSpec('pods', [props], problems));
    return new Destination(new PodsSpec(props.labels, props.namespace, props.namespaceLabels));
  }

  /** Every pod of the named namespace. */
  public static namespace(name: string): Destination {
    const problems = str({ example: 'production' })(name, 'Destination.namespace() name');
    if (problems.length > 0) return new Destination(new InvalidSpec('namespace', [name], problems));
    return new Destination(new PodsSpec(undefined, name, undefined));
  }

  /** Every pod of the namespaces carrying `labels`. Labels must not be empty. */
  public static namespacesWithLabels(labels: Record<string, string>): Destination {
    const problems = labels === undefined || labels === null
      ? [emptySelector(`Destination.namespacesWithLabels() was given ${show(labels)} instead of labels, which would select every namespace. Pass the labels of the namespaces, or name one with Destination.namespace(name)`)]
      : stringMap(labels, 'Destination.namespacesWithLabels() labels');
    if (problems.length > 0) return new Destination(new InvalidSpec('namespacesWithLabels', [labels], problems));
    return new Destination(new PodsSpec(undefined, undefined, labels));
  }

  /**
   * An IPv4 block such as `203.0.113.0/24` (a mask is required: a single address is `/32`).
   * `0.0.0.0/0` means the whole IPv4 internet and needs the policy's explicit opt-in.
   */
  public static ipv4(cidr: string, options: CidrDestinationOptions = {}): Destination {
    return new Destination(cidrSpec('ipv4', cidr, 4, options));
  }

  /**
   * An IPv6 block such as `2001:db8::/32` (a single address is `/128`).
   * `::/0` means the whole IPv6 internet and needs the policy's explicit opt-in.
   */
  public static ipv6(cidr: string, options: CidrDestinationOptions = {}): Destination {
    return new Destination(cidrSpec('ipv6', cidr, 6, options));
  }

  /** Every IPv4 address (`0.0.0.0/0`). Needs the policy's explicit allow-all opt-in. */
  public static anyIpv4(options: CidrDestinationOptions = {}): Destination {
    return new Destination(cidrSpec('anyIpv4', '0.0.0.0/0', 4, options));
  }

  /** Every IPv6 address (`::/0`). Needs the policy's explicit allow-all opt-in. */
  public static anyIpv6(options: CidrDestinationOptions = {}): Destination {
    return new Destination(cidrSpec('anyIpv6', '::/0', 6, options));
  }

  /**
   * An exact hostname such as `api.github.com`. Needs a backend with DNS-aware policy
   * (Kubernetes NetworkPolicy has none).
   */
  public static fqdn(hostname: string): Destination {
    return new Destination(hostnameSpec('fqdn', hostname, HostForm.EXACT));
  }

  /**
   * A hostname pattern with one leading wildcard label, such as `*.googleapis.com`
   * (matches `storage.googleapis.com`, not `googleapis.com`).
   */
  public static fqdnPattern(pattern: string): Destination {
    return new Destination(hostnameSpec('fqdnPattern', pattern, HostForm.PATTERN));
  }

  /**
   * Every subdomain of `domain`, at any depth: `anySubdomainOf('googleapis.com')` matches
   * `storage.googleapis.com` and `eu.storage.googleapis.com`, not `googleapis.com`. This is what
   * a `*.googleapis.com` host means to Istio and Envoy; `fqdnPattern()` is the narrower
   * one-label pattern.
   */
  public static anySubdomainOf(domain: string): Destination {
    return new Destination(hostnameSpec('anySubdomainOf', domain, HostForm.SUFFIX));
  }

  /** The Kubernetes API server. */
  public static kubeApiServer(props: KubeApiServerDestinationProps = {}): Destination {
    const problems = API_SERVER_PROPS(props, 'Destination.kubeApiServer() props');
    if (problems.length > 0) return new Destination(new InvalidSpec('kubeApiServer', [props], problems));
    return new Destination(new ApiServerSpec(props.endpoints));
  }

  /** Every problem of this destination, found once when it is built (a destination is a value). */
  private readonly problems: readonly Problem[];

  /** Built only by the factories above (the kinds are not a public extension point). */
  private constructor(private readonly spec: DestinationSpec) {
    this.problems = Object.freeze([...spec.problems()]);
  }

  /** The destination as a backend-neutral struct. */
  public toConfig(): DestinationConfig {
    return this.spec.config();
  }

  /** Human-readable form, used in messages and reports. */
  public toString(): string {
    return this.spec.text();
  }

  /**
   * The problems of this destination (none when it is valid), found when it was built. @internal
   */
  public _problems(): readonly Problem[] {
    return this.problems;
  }
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

function cidrSpec(factory: string, cidr: string, family: IpFamily, opts: CidrDestinationOptions | undefined): DestinationSpec {
  const given = factory === 'ipv4' || factory === 'ipv6' ? [cidr, opts] : [opts];
  const problems = [
    ...(factory === 'ipv4' || factory === 'ipv6' ? str({ allowEmpty: true, example: family === 4 ? '203.0.113.0/24' : '2001:db8::/32' })(cidr, `Destination.${factory}() cidr`) : []),
    ...CIDR_OPTIONS(opts, `Destination.${factory}() options`),
  ];
  if (problems.length > 0) return new InvalidSpec(factory, given.filter((g, i) => i === 0 || g !== undefined), problems);
  return new CidrSpec(cidr, family, exceptList(opts?.except));
}

function hostnameSpec(factory: string, host: string, form: HostForm): DestinationSpec {
  const problems = str({ example: form === HostForm.PATTERN ? '*.example.com' : form === HostForm.SUFFIX ? 'example.com' : 'api.example.com' })(host, `Destination.${factory}() ${form === HostForm.SUFFIX ? 'domain' : form === HostForm.PATTERN ? 'pattern' : 'hostname'}`);
  if (problems.length > 0) return new InvalidSpec(factory, [host], problems);
  return new HostnameSpec(host, form);
}

/**
 * A destination whose factory was given arguments of the wrong type or none: it reports them
 * (with the construct path, through the construct that uses it) and can be printed, but not used.
 */
class InvalidSpec implements DestinationSpec {
  public constructor(private readonly factory: string, private readonly args: readonly unknown[], private readonly found: readonly Problem[]) {}

  public config(): DestinationConfig {
    raiseUnscoped(this.found);
    throw new Error('unreachable');
  }

  public text(): string {
    return `Destination.${this.factory}(${this.args.map((a) => show(a)).join(', ')}) (invalid)`;
  }

  public problems(): readonly Problem[] {
    return this.found;
  }
}

class PodsSpec implements DestinationSpec {
  private cached?: DestinationConfig;

  public constructor(
    private readonly labels: Record<string, string> | undefined,
    private readonly ns: string | undefined,
    private readonly nsLabels: Record<string, string> | undefined,
  ) {}

  public config(): DestinationConfig {
    // Destinations are values: the config is computed once (and frozen, as it is shared).
    this.cached ??= Object.freeze({
      kind: DestinationKind.PODS,
      ...(this.labels ? { podLabels: Object.freeze(sortedLabels(this.labels)) } : {}),
      ...(this.ns !== undefined ? { namespace: this.ns } : {}),
      ...(this.nsLabels ? { namespaceLabels: Object.freeze(sortedLabels(this.nsLabels)) } : {}),
    });
    return this.cached;
  }

  public text(): string {
    const pods = this.labels ? `pods ${labelText(sortedLabels(this.labels))}` : 'every pod';
    if (this.ns !== undefined) return `${pods} in namespace ${this.ns}`;
    if (this.nsLabels) return `${pods} in namespaces ${labelText(sortedLabels(this.nsLabels))}`;
    return `${pods} in the source namespace`;
  }

  public problems(): readonly Problem[] {
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

class CidrSpec implements DestinationSpec {
  private cached?: DestinationConfig;

  public constructor(private readonly cidr: string, private readonly family: IpFamily, private readonly except: readonly string[]) {}

  private parsed(): Cidr | undefined {
    const c = parseCidr(this.cidr, this.family);
    return isCidr(c) ? c : undefined;
  }

  public config(): DestinationConfig {
    if (!this.cached) {
      const c = this.parsed();
      const except = this.except.map((e) => parseCidr(e, this.family)).filter(isCidr).map((e) => e.text);
      this.cached = Object.freeze({
        kind: DestinationKind.CIDR,
        cidr: c ? c.text : this.cidr,
        ipFamily: this.family,
        ...(except.length > 0 ? { except: Object.freeze([...new Set(except)].sort()) as string[] } : {}),
      });
    }
    return this.cached;
  }

  public text(): string {
    const c = this.parsed();
    return describeCidr(c ? c.text : this.cidr, this.except);
  }

  public problems(): readonly Problem[] {
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

class HostnameSpec implements DestinationSpec {
  private cached?: DestinationConfig;

  public constructor(private readonly host: string, private readonly form: HostForm) {}

  public config(): DestinationConfig {
    this.cached ??= Object.freeze(this.form === HostForm.SUFFIX
      ? { kind: DestinationKind.FQDN_SUFFIX, hostname: `*.${this.host}` }
      : { kind: this.form === HostForm.PATTERN ? DestinationKind.FQDN_PATTERN : DestinationKind.FQDN, hostname: this.host });
    return this.cached;
  }

  public text(): string {
    return this.form === HostForm.SUFFIX ? `*.${this.host} (any depth)` : this.host;
  }

  public problems(): readonly Problem[] {
    return hostProblems(this.host, this.form);
  }
}

class ApiServerSpec implements DestinationSpec {
  public constructor(private readonly endpoints: string[] | undefined) {}

  public config(): DestinationConfig {
    const cidrs = (this.endpoints ?? []).map((e) => parseCidr(e)).filter(isCidr).map((c) => c.text);
    return { kind: DestinationKind.KUBE_API_SERVER, ...(this.endpoints ? { apiServerCidrs: [...new Set(cidrs)].sort() } : {}) };
  }

  public text(): string {
    return 'the Kubernetes API server';
  }

  public problems(): readonly Problem[] {
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
