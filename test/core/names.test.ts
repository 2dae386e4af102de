import * as fc from 'fast-check';
import { labelProblems, labelsCompatible, labelsMatch, namespaceProblems, objectNameProblems, sortedLabels, sourcesMayOverlap } from '../../src/core/names';

describe('names', () => {
  test('namespaces are DNS-1123 labels, with a suggestion', () => {
    expect(namespaceProblems('production')).toEqual([]);
    expect(namespaceProblems('a'.repeat(64))[0].message).toMatch(/1-63 characters/);
    expect(namespaceProblems('-x')[0].message).toMatch(/Did you mean "x"/);
    expect(namespaceProblems('')[0].message).toMatch(/Did you mean "my-namespace"/);
  });

  test('object names are DNS-1123 subdomains', () => {
    expect(objectNameProblems('egress-control.v1')).toEqual([]);
    expect(objectNameProblems('Egress')).toHaveLength(1);
  });

  test('label keys with and without prefix; values may be empty', () => {
    expect(labelProblems({ 'app.kubernetes.io/name': 'api', 'x': '' }, 'here')).toEqual([]);
    expect(labelProblems({ ['a'.repeat(64)]: 'v' }, 'here')[0].message).toMatch(/the name part must be 1-63 characters/);
    expect(labelProblems({ k: 'v'.repeat(64) }, 'here')[0].message).toMatch(/at most 63 characters/);
    expect(labelProblems({ '/x': 'v' }, 'here')[0].message).toMatch(/prefix "" must be a DNS-1123 subdomain/);
  });

  test('sorting and matching', () => {
    expect(Object.keys(sortedLabels({ b: '1', a: '2' }))).toEqual(['a', 'b']);
    expect(labelsMatch({ app: 'a' }, { app: 'a', x: 'y' })).toBe(true);
    expect(labelsMatch({ app: 'a' }, { app: 'b' })).toBe(false);
    expect(labelsMatch({}, {})).toBe(true);
  });

  // The set definitions, written independently of the loops in names.ts: a selector matches a
  // label set when it is a subset of it; two selectors may select one pod when no key has two
  // different values.
  const labelSets = fc.dictionary(fc.constantFrom('app', 'tier', 'team', 'x'), fc.constantFrom('a', 'b', ''), { maxKeys: 4 });
  test('labelsMatch and labelsCompatible agree with their set definitions', () => {
    fc.assert(fc.property(labelSets, labelSets, (a, b) => {
      const subset = Object.entries(a).every(([k, v]) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === v);
      const merged = { ...b, ...a };
      const noConflict = Object.entries(b).every(([k, v]) => merged[k] === v) && Object.entries(a).every(([k, v]) => merged[k] === v);
      expect(labelsMatch(a, b)).toBe(subset);
      expect(labelsCompatible(a, b)).toBe(noConflict);
      expect(labelsCompatible(b, a)).toBe(noConflict);
    }));
  });

  test('sources overlap only within one namespace', () => {
    expect(sourcesMayOverlap({ namespace: 'a' }, { namespace: 'a', podLabels: { app: 'x' } })).toBe(true);
    expect(sourcesMayOverlap({ namespace: 'a' }, { namespace: 'b' })).toBe(false);
    expect(sourcesMayOverlap({ namespace: 'a', podLabels: { app: 'x' } }, { namespace: 'a', podLabels: { app: 'y' } })).toBe(false);
    expect(sourcesMayOverlap({ namespace: 'a', podLabels: { app: 'x' } }, { namespace: 'a', podLabels: { tier: 'y' } })).toBe(true);
  });
});
