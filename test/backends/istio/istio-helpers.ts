// Test helpers for the Istio backend and the EgressGateway.
import { EgressErrors } from '../../../src';

/** Synthesized manifests, each checked against its pinned upstream schema. */
export { synth } from '../../helpers';

/** Assert that `fn` throws an EgressError with `code`, located at `path`, matching `message`. */
export function expectError(fn: () => unknown, code: string, path: string, message: RegExp): void {
  let err: unknown;
  try { fn(); } catch (e) { err = e; }
  expect(EgressErrors.isEgressError(err)).toBe(true);
  expect(EgressErrors.codeOf(err)).toBe(code);
  expect((err as Error).message.startsWith(`[${path}] `)).toBe(true);
  expect((err as Error).message).toMatch(message);
}
