// HttpRule: an HTTP request an egress route allows, validated once in its factories.
import { HttpRuleData } from './route-model';
import { Problem } from '../core/egress-error';
import { EgressErrorCode } from '../core/errors';
import { list, raiseUnscoped, str, struct } from '../core/inputs';
import { registerFactories } from '../util/show';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE'];

const HTTP_RULE_PROPS = struct({
  methods: list(str({ example: 'GET' }), { itemName: 'HTTP methods' }),
  paths: list(str({ example: '/v1/*' }), { itemName: 'paths' }),
});

/**
 * Options for `HttpRule.allow()`. Give methods, paths or both.
 */
export interface HttpRuleProps {
  /**
   * HTTP methods, upper case (`GET`, `POST`, ...).
   * @default - every method
   */
  readonly methods?: string[];
  /**
   * Request paths in AuthorizationPolicy syntax: exact (`/v1/items`), prefix (`/v1/*`) or
   * suffix (`*.json`). Matched after Istio's path normalization.
   * @default - every path
   */
  readonly paths?: string[];
}

/**
 * An HTTP request an egress route allows (enforced by an ALLOW AuthorizationPolicy on the
 * gateway). Several rules are ORed. Only possible where the gateway sees HTTP: plain HTTP routes
 * and routes with TLS origination.
 *
 * @example
 * HttpRule.get('/repos/*');
 * HttpRule.allow({ methods: ['POST'], paths: ['/v1/messages'] });
 */
export class HttpRule {
  /** Allow requests with these methods and/or paths. */
  public static allow(props: HttpRuleProps): HttpRule {
    const problems = HTTP_RULE_PROPS(props, 'HttpRule.allow() props');
    return problems.length > 0 ? new HttpRule(undefined, undefined, problems) : new HttpRule(props.methods, props.paths);
  }

  /** Allow `GET` requests to these paths. */
  public static get(...paths: string[]): HttpRule {
    const problems = list(str(), { nonEmpty: true, itemName: 'paths', emptyFix: 'name the paths, e.g. HttpRule.get(\'/v1/*\'), or leave httpRules out to allow every request' })(paths, 'HttpRule.get() paths');
    return problems.length > 0 ? new HttpRule(undefined, undefined, problems) : new HttpRule(['GET'], paths);
  }

  /**
   * Allowed methods.
   * @default - every method
   */
  public readonly methods?: string[];
  /**
   * Allowed paths.
   * @default - every path
   */
  public readonly paths?: string[];

  private readonly inputProblems: readonly Problem[];

  private constructor(methods?: string[], paths?: string[], inputProblems: readonly Problem[] = []) {
    this.methods = methods;
    this.paths = paths;
    this.inputProblems = inputProblems;
  }

  /** Human-readable form. */
  public toString(): string {
    return `${this.methods ? this.methods.join('|') : '*'} ${this.paths ? this.paths.join('|') : '*'}`;
  }

  /** @internal */
  public _problems(): Problem[] {
    if (this.inputProblems.length > 0) return [...this.inputProblems];
    if (this.methods === undefined && this.paths === undefined) {
      return [{ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule.allow({}) has neither methods nor paths, so it would allow every request. Leave httpRules out to allow every request, or name methods or paths' }];
    }
    const problems: Problem[] = [];
    if (this.methods !== undefined && this.methods.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule methods is an empty list. Leave methods out to allow every method, or name them' });
    }
    if (this.paths !== undefined && this.paths.length === 0) {
      problems.push({ code: EgressErrorCode.EMPTY_POLICY, message: 'HttpRule paths is an empty list. Leave paths out to allow every path, or name them' });
    }
    for (const m of this.methods ?? []) {
      if (!HTTP_METHODS.includes(m)) {
        const upper = m.toUpperCase();
        problems.push({
          code: EgressErrorCode.CONFLICTING_OPTIONS,
          message: `Invalid HTTP method "${m}" in HttpRule: use one of ${HTTP_METHODS.join(', ')}${HTTP_METHODS.includes(upper) ? `. Did you mean "${upper}"?` : ''}`,
        });
      }
    }
    for (const p of this.paths ?? []) {
      const inner = p.replace(/^\*/, '').replace(/\*$/, '');
      if (p === '*' || inner.includes('*') || (!p.startsWith('/') && !p.startsWith('*'))) {
        problems.push({
          code: EgressErrorCode.CONFLICTING_OPTIONS,
          message: `Invalid path "${p}" in HttpRule: use an exact path ("/v1/items"), a prefix ("/v1/*") or a suffix ("*.json"); "*" alone would allow every path (leave paths out instead)`,
        });
      }
    }
    return problems;
  }

  /** @internal */
  public _toData(): HttpRuleData {
    raiseUnscoped(this.inputProblems);
    return { ...(this.methods ? { methods: [...this.methods] } : {}), ...(this.paths ? { paths: [...this.paths] } : {}) };
  }
}

registerFactories(HttpRule, 'HttpRule');
