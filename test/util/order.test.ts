import * as fs from 'fs';
import * as path from 'path';
import { compareStrings } from '../../src/util/order';

describe('output order', () => {
  test('strings compare by code units, whatever the locale', () => {
    // localeCompare would put "aa" after "z" in Danish, "B" after "a", and ignore "-" in some locales.
    expect(['b.example.com', 'aa.example.com', 'B', 'a-b', 'ab', 'z'].sort(compareStrings)).toEqual(['B', 'a-b', 'aa.example.com', 'ab', 'b.example.com', 'z']);
    expect(compareStrings('x', 'x')).toBe(0);
  });

  test('nothing the library emits is sorted by the process locale', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts') && !p.endsWith(path.join('util', 'order.ts')) && /\.localeCompare\(/.test(fs.readFileSync(p, 'utf-8'))) offenders.push(p);
      }
    };
    walk(path.join(__dirname, '..', '..', 'src'));
    expect(offenders).toEqual([]);
  });
});
