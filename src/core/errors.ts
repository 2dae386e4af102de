/**
 * Stable codes carried by every `EgressError`. Codes never change meaning between releases,
 * so pipelines and tests may match on them.
 */
export enum EgressErrorCode {
  /** A CIDR is malformed, lacks a mask, has host bits set or is of the wrong IP family. */
  INVALID_CIDR = 'EGRESS_INVALID_CIDR',
  /** An `except` block is not a strict subset of its CIDR. */
  INVALID_EXCEPT = 'EGRESS_INVALID_EXCEPT',
  /** A port is outside 1-65535, a range is reversed, or a port is not an integer. */
  INVALID_PORT = 'EGRESS_INVALID_PORT',
  /** A label key or value is not a valid Kubernetes label. */
  INVALID_LABEL = 'EGRESS_INVALID_LABEL',
  /** A namespace or object name is not a valid DNS-1123 label or subdomain. */
  INVALID_NAME = 'EGRESS_INVALID_NAME',
  /** A hostname or hostname pattern is malformed. */
  INVALID_FQDN = 'EGRESS_INVALID_FQDN',
  /** An empty selector would widen the policy to every pod or namespace. */
  EMPTY_SELECTOR = 'EGRESS_EMPTY_SELECTOR',
  /** The same destination and port were allowed twice. */
  DUPLICATE_RULE = 'EGRESS_DUPLICATE_RULE',
  /** A rule would allow all egress and the caller did not opt in. */
  ALLOW_ALL = 'EGRESS_ALLOW_ALL',
  /** The chosen backend cannot express the requested destination, port or feature. */
  UNSUPPORTED_BY_BACKEND = 'EGRESS_UNSUPPORTED_BY_BACKEND',
  /** A source or destination cannot be placed in a namespace. */
  NAMESPACE_REQUIRED = 'EGRESS_NAMESPACE_REQUIRED',
  /** A workload that is egress-isolated has no path to a DNS resolver. */
  DNS_PATH_MISSING = 'EGRESS_DNS_PATH_MISSING',
  /** A policy has no rule at all where one is required. */
  EMPTY_POLICY = 'EGRESS_EMPTY_POLICY',
  /** A policy is larger than the per-object budget. */
  POLICY_TOO_LARGE = 'EGRESS_POLICY_TOO_LARGE',
  /** Options that contradict each other. */
  CONFLICTING_OPTIONS = 'EGRESS_CONFLICTING_OPTIONS',
  /** A declared intent (allowance, route, fixed IP destination, DNS or control-plane path) that another construct of the app blocks. */
  INTENT_BLOCKED = 'EGRESS_INTENT_BLOCKED',
  /** The construct given to `EgressSource.workload()` is not a Deployment, StatefulSet, DaemonSet or Job. */
  NOT_A_WORKLOAD = 'EGRESS_NOT_A_WORKLOAD',
  /** A warning id that cdk8s-egress does not define (see `EgressWarningId`) was acknowledged or raised. */
  UNKNOWN_WARNING_ID = 'EGRESS_UNKNOWN_WARNING_ID',
  /** A warning was acknowledged without a reason. */
  REASON_REQUIRED = 'EGRESS_REASON_REQUIRED',
  /** A `cdk8s-egress:` context value has the wrong type or form. */
  INVALID_CONTEXT = 'EGRESS_INVALID_CONTEXT',
  /** A declared backend release (`version` option or context key) is malformed or older than the oldest supported. */
  INVALID_VERSION = 'EGRESS_INVALID_VERSION',
  /**
   * An argument or property is missing, null or of the wrong type: a string where a number or a
   * boolean belongs, a list where one value belongs (or one value where a list belongs), a list
   * inside a list, a factory passed without calling it, an unknown property name.
   */
  INVALID_ARGUMENT = 'EGRESS_INVALID_ARGUMENT',
  /** Strict mode is on (`EgressWarnings.enableStrictMode()`) and a warning was not acknowledged. */
  WARNING_NOT_ACKNOWLEDGED = 'EGRESS_WARNING_NOT_ACKNOWLEDGED',
}

/**
 * Helpers for the errors cdk8s-egress throws (jsii languages cannot subclass `Error`, so the
 * error class itself is not part of the cross-language API).
 */
export class EgressErrors {
  /**
   * The stable code in an error message thrown by cdk8s-egress, e.g. `EGRESS_INVALID_CIDR`.
   * Works in every jsii language: in Python, Java and Go the JavaScript error arrives as that
   * language's exception with the same message, so pass its message here. For the error of
   * cdk8s's `app.synth()` ("Validation failed with the following errors:" and one error per
   * line), the code of the first error listed.
   * @returns the code, or undefined when the message carries none
   */
  public static codeOfMessage(message: string): string | undefined {
    if (typeof message !== 'string') return undefined;
    const lines = message.split('\n');
    // cdk8s's own `app.synth()` lists validation errors below a header line: the first one counts.
    // (Other languages get it as `Error: Validation failed ...`.)
    const first = /^(?:\w*Error: )?Validation failed with the following errors:\s*$/.test(lines[0]) && lines.length > 1 ? lines[1] : lines[0];
    const m = /\((EGRESS_[A-Z0-9_]+)\)/.exec(first);
    return m ? m[1] : undefined;
  }

  private constructor() {}
}
