/**
 * Issue 19 item 1: the flows call the suite's key-exchange strategy and never branch on its name;
 * nor do x509 (keyUsage), the socket's identity check or the replay tools. A new key exchange then
 * touches its strategy file, the registry and the suite table only (docs/architecture.md).
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

const LIB = join(repoRoot, 'lib');
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
const code = (f: string): string => readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');

t.test('no lib module outside suites.ts and engine/key-exchange/ compares a key-exchange name', async (t) => {
  // Tooling that only builds fixtures (being moved out of lib) is not part of the product.
  const tooling = new Set(['replay/synthetic-client.ts', 'replay/scenarios.ts', 'replay/recorder-node.ts', 'cli/server.ts']);
  const offenders = files(LIB)
    .map((f) => relative(LIB, f))
    .filter((f) => f !== 'suites.ts' && !f.startsWith('engine/key-exchange/') && !tooling.has(f))
    .filter((f) => /keyExchange\s*[!=]==\s*'|[!=]==\s*'(?:DHE_RSA|RSA)'|keyExchange\.startsWith|'DHE_RSA'/.test(code(join(LIB, f))));
  t.same(offenders, []);
});
