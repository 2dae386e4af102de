#!/usr/bin/env node
// Parses Mermaid diagrams with mermaid's own parser, headless (jsdom supplies the DOM that
// mermaid's sanitizer needs). Needs the devDependencies mermaid and jsdom.
// Usage: node scripts/mermaid-check.mjs <file.mmd|file.md>...  (```mermaid blocks of .md files)
// Last line: "mermaid: N diagrams parsed, M failed"; exit 1 if M > 0 or N == 0.
import fs from 'node:fs';
import { JSDOM } from 'jsdom';

const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });

const diagrams = [];
for (const f of process.argv.slice(2)) {
  const text = fs.readFileSync(f, 'utf8');
  if (f.endsWith('.md')) {
    [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].forEach((m, i) => diagrams.push([`${f}#${i + 1}`, m[1]]));
  } else diagrams.push([f, text]);
}
let bad = 0;
for (const [name, text] of diagrams) {
  try {
    const r = await mermaid.parse(text);
    console.log(`ok ${name}: ${r.diagramType}`);
  } catch (e) {
    bad++;
    console.log(`FAILED ${name}: ${String(e?.message ?? e).split('\n').slice(0, 4).join(' | ')}`);
  }
}
console.log(`mermaid: ${diagrams.length} diagrams parsed, ${bad} failed`);
process.exit(bad > 0 || diagrams.length === 0 ? 1 : 0);
