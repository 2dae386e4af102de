import { IConstruct } from 'constructs';
import { EgressErrorCode } from './errors';

/**
 * The error every cdk8s-egress validation throws. Its message names the construct path,
 * the bad value and the fix; `code` is stable.
 */
export class EgressError extends Error {
  /**
   * Throw an `EgressError` located at a construct.
   */
  public static at(scope: IConstruct, code: EgressErrorCode, message: string): EgressError {
    return new EgressError(code, message, scope.node.path);
  }

  /** Stable error code. */
  public readonly code: EgressErrorCode;
  /**
   * Path of the construct the error is about.
   * @default - not tied to a construct
   */
  public readonly constructPath?: string;

  public constructor(code: EgressErrorCode, message: string, constructPath?: string) {
    super(`${constructPath ? `[${constructPath}] ` : ''}${message} (${code})`);
    this.name = 'EgressError';
    this.code = code;
    this.constructPath = constructPath;
    Object.setPrototypeOf(this, EgressError.prototype);
  }

  /**
   * The message alone, `[path] message (CODE)`, without the usual `EgressError: ` prefix. The
   * jsii kernel passes an error thrown by a constructor to Python, Java and Go as its `message`,
   * but one thrown by a method, static method or property as `String(error)`: this makes both
   * read the same in every language.
   */
  public toString(): string {
    return this.message;
  }
}

/**
 * A problem found while validating a value object. Value objects are built without a scope,
 * so they record problems and the construct that consumes them raises them with its path.
 */
export interface Problem {
  readonly code: EgressErrorCode;
  readonly message: string;
}

/** @internal */
export function raise(scope: IConstruct, problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const first = problems[0];
  const rest = problems.slice(1).map((p) => `; also: ${p.message}`).join('');
  throw EgressError.at(scope, first.code, first.message + rest);
}

/**
 * TypeScript only: true when `error` was thrown by cdk8s-egress validation. (A free function, so
 * it stays out of the jsii API, which has no `unknown`; other languages use
 * `EgressErrors.codeOfMessage`.)
 */
export function isEgressError(error: unknown): boolean {
  return error instanceof EgressError;
}

/**
 * TypeScript only: the stable code of an error thrown by cdk8s-egress, or undefined for any
 * other error. Other languages use `EgressErrors.codeOfMessage`.
 */
export function egressErrorCode(error: unknown): string | undefined {
  return error instanceof EgressError ? error.code : undefined;
}
