import { labelProblems, namespaceProblems, objectNameProblems, sortedLabels, labelsMatch } from '../../src/private/names';

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
});
