// Jest globalSetup: the unit tier validates every emitted object against the generated schemas in
// imports/schemas/. When they are missing (or were generated from other sources than
// imports/SOURCES.json pins) the run stops here with one line naming the command that regenerates
// them, instead of failing every test that synthesizes something.
import { schemaFilesProblem } from './schema';

export default function globalSetup(): void {
  const problem = schemaFilesProblem();
  if (problem) {
    // One line, no stack trace: a thrown error would be printed with jest's internals under it.
    process.stderr.write(`${problem}\n`);
    process.exit(1);
  }
}
