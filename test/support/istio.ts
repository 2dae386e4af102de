// Test helpers for the Istio backend and the EgressGateway.

/** Synthesized manifests, each checked against its pinned upstream schema. */
export { synth } from './helpers';

/** Assert that `fn` throws an EgressError with `code`, located at `path`, matching `message`. */
export { expectEgressError as expectError } from './helpers';
