import * as fs from 'fs';
import * as path from 'path';
import { EgressErrorCode } from '../../src';

describe('the error table of docs/concepts.md', () => {
  const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'concepts.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Errors and codes'), doc.indexOf('## Warnings'));

  test.each(Object.values(EgressErrorCode))('lists %s', (code) => {
    // in the first cell of a row (a row may name two codes)
    expect(table).toMatch(new RegExp(`^\\| (\`EGRESS_[A-Z_]+\` / )?\`${code}\`( / \`EGRESS_[A-Z_]+\`)? \\|`, 'm'));
  });

  test('lists no code the library does not define', () => {
    const listed = [...table.matchAll(/`(EGRESS_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(listed.filter((c) => !(Object.values(EgressErrorCode) as string[]).includes(c))).toEqual([]);
  });
});
