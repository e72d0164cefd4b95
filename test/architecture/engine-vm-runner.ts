/**
 * Runs the in-memory TLS_RSA_WITH_3DES_EDE_CBC_SHA handshake (in-memory-handshake.ts) inside a
 * node:vm context that has no process, require or Buffer: only the Web globals a browser also has
 * (TextEncoder, TextDecoder, crypto.getRandomValues). The modules are loaded straight from dist/
 * and node_modules through module-graph.ts's resolver (no bundler), so what runs is exactly the graph
 * the entry test checks. Needs `node --experimental-vm-modules` (vm.SourceTextModule); the test
 * spawns it. Input: JSON {caPem, certPem, keyPem} on stdin. Output: one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createContext, SourceTextModule, type Module } from 'node:vm';
import { resolveSpecifier } from './module-graph.js';

const entry = process.argv[2]!;
const input = readFileSync(0, 'utf8');

const context = createContext({ TextEncoder, TextDecoder, crypto: { getRandomValues: (a: Uint8Array) => crypto.getRandomValues(a) } });

// The handshake itself is in-memory-handshake.ts (shared with the Chromium test); the driver only
// hands it the engine module loaded inside the context.
const HANDSHAKE = fileURLToPath(new URL('./in-memory-handshake.js', import.meta.url));
const DRIVER = `
import * as engine from ${JSON.stringify(entry)};
import { inMemoryHandshake } from ${JSON.stringify(HANDSHAKE)};
globalThis.result = JSON.stringify(inMemoryHandshake(engine, ${input}));
`;

const cache = new Map<string, Module>();
function load(file: string): Module {
  let m = cache.get(file);
  if (!m) {
    m = new SourceTextModule(readFileSync(file, 'utf8'), { context, identifier: pathToFileURL(file).href });
    cache.set(file, m);
  }
  return m;
}

const driver = new SourceTextModule(DRIVER, { context, identifier: 'engine-vm-driver' });
await driver.link((specifier, referencing) => {
  const from = referencing === driver ? entry : fileURLToPath(referencing.identifier);
  return load(specifier === entry ? entry : resolveSpecifier(specifier, from));
});
await driver.evaluate();
process.stdout.write(String((context as { result?: string }).result) + '\n');
