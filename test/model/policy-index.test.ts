import { GrantPurpose, ModelPolicy } from '../../src';
import { policyIndex } from '../../src/model/policy-index';

const policy = (ref: string, podLabels: Record<string, string> | undefined, wholeNamespace = false): ModelPolicy => ({
  constructPath: `test/${ref}`,
  backend: 'test',
  objectRef: ref,
  purpose: GrantPurpose.ALLOW,
  source: { namespace: 'production', ...(podLabels ? { podLabels } : {}) },
  rules: [],
  providesDns: false,
  semantics: wholeNamespace ? { wholeNamespace: true } : {},
});

describe('policyIndex: the policies that may select a pod', () => {
  test('finds namespace-wide and whole-namespace policies for every pod, labelled ones by a label of the pod', () => {
    const all = [policy('ns', undefined), policy('api', { app: 'api' }), policy('mesh', { app: 'web' }, true), policy('db', { app: 'db' })];
    const of = policyIndex(all);
    const refs = (labels: Record<string, string>, namespace = 'production') => of({ namespace, labels }).map((p) => p.objectRef).sort();
    expect(refs({ app: 'api' })).toEqual(['api', 'mesh', 'ns']);
    expect(refs({ app: 'other' })).toEqual(['mesh', 'ns']);
    expect(refs({ app: 'api' }, 'staging')).toEqual([]);
  });
});
