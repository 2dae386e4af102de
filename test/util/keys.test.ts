import * as fc from 'fast-check';
import { configKey, configListKey, sameConfig } from '../../src/util/keys';

describe('config keys and equality', () => {
  test('keys are the JSON text; a list key joins them', () => {
    expect(configKey({ kind: 'Cidr', cidr: '10.0.0.0/8', ipFamily: 4 })).toBe('{"kind":"Cidr","cidr":"10.0.0.0/8","ipFamily":4}');
    expect(configListKey([{ protocol: 'TCP', port: 443 }])).toBe('[{"protocol":"TCP","port":443}]');
    expect(configListKey([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }])).toBe('[{"protocol":"UDP","port":53},{"protocol":"TCP","port":53}]');
  });

  test('sameConfig compares plain values deeply, whatever the key order', () => {
    expect(sameConfig({ kind: 'Pods', podLabels: { a: '1', b: '2' } }, { podLabels: { b: '2', a: '1' }, kind: 'Pods' })).toBe(true);
    expect(sameConfig({ kind: 'Cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, { kind: 'Cidr', cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] })).toBe(true);
    expect(sameConfig({ kind: 'Cidr', cidr: '10.0.0.0/8' }, { kind: 'Cidr', cidr: '10.0.0.0/8', except: [] })).toBe(false);
    expect(sameConfig({ except: ['a', 'b'] }, { except: ['b', 'a'] })).toBe(false);
    expect(sameConfig({ a: [1] }, { a: { 0: 1 } })).toBe(false);
    expect(sameConfig({ a: null }, { a: undefined })).toBe(false);
    expect(sameConfig({ a: 1 }, { b: 1 })).toBe(false);
    expect(sameConfig(4, 4)).toBe(true);
  });

  test('property: for JSON values with one key order, sameConfig agrees with comparing keys', () => {
    const value = fc.letrec((tie) => ({
      leaf: fc.oneof(fc.constantFrom('TCP', 'UDP', 'a', 'b'), fc.integer({ min: 0, max: 3 }), fc.boolean()),
      node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.constantFrom('k', 'l', 'm'), tie('node'), { maxKeys: 3 })),
    })).node;
    fc.assert(fc.property(value, value, (a, b) => {
      // Rebuilding through JSON gives both values the same key order where their keys are equal.
      const x = JSON.parse(JSON.stringify(a));
      const y = JSON.parse(JSON.stringify(b));
      const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([p], [q]) => p.localeCompare(q)).map(([k, w]) => [k, sorted(w)])) : v);
      expect(sameConfig(x, y)).toBe(configKey(sorted(x) as object) === configKey(sorted(y) as object));
      expect(sameConfig(x, sorted(x))).toBe(true);
    }));
  });
});
