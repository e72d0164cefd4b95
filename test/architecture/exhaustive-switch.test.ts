/**
 * Issue 19 item 2: a state switch that misses a state does not compile. The fixtures are compiled
 * here through the TypeScript API with the project's own compiler options (the build excludes them).
 */
import t from 'tap';
import { join } from 'node:path';
import ts from 'typescript';
import { repoRoot } from '../helpers/paths.js';

const FIXTURES = join(repoRoot, 'test', 'architecture', 'fixtures');

const FILES = ['all-states.ts', 'missing-state.ts'];
const config = ts.getParsedCommandLineOfConfigFile(join(repoRoot, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
if (!config) throw new Error('tsconfig.json does not parse');
// One program for both fixtures (the lib modules they import are checked once).
const program = ts.createProgram(FILES.map((f) => join(FIXTURES, f)), { ...config.options, noEmit: true });

/** The diagnostics of one fixture (errors in the lib modules it imports would show under their own file). */
function compile(file: string): readonly ts.Diagnostic[] {
  const all = ts.getPreEmitDiagnostics(program);
  return all.filter((d) => d.file === undefined || d.file.fileName.endsWith(`/${file}`) || !FILES.some((f) => d.file!.fileName.endsWith(`/${f}`)));
}

const text = (d: ts.Diagnostic): string => ts.flattenDiagnosticMessageText(d.messageText, '\n');

t.test('a switch over every ServerState and ClientState compiles', async (t) => {
  t.same(compile('all-states.ts').map(text), []);
});

t.test('a switch that forgets a state fails to compile at its assertNever default', async (t) => {
  const errors = compile('missing-state.ts');
  t.equal(errors.length, 1, 'exactly one error');
  const [error] = errors;
  t.equal(error?.file?.fileName.endsWith('missing-state.ts'), true, 'in the fixture');
  t.equal(error?.code, 2345, 'TS2345: argument not assignable to never');
  t.match(text(error!), /WAIT_CERTIFICATE_VERIFY/, 'the message names the missing state');
});
