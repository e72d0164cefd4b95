/**
 * Runs an in-memory TLS_RSA_WITH_3DES_EDE_CBC_SHA handshake between two Connections inside a
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

const DRIVER = `
import { Connection, pemDecode, parsePrivateKey } from ${JSON.stringify(entry)};
const input = ${input};
const ca = pemDecode(input.caPem);
const chain = pemDecode(input.certPem);
const privateKey = parsePrivateKey(input.keyPem);
const log = { globals: { process: typeof process, require: typeof require, Buffer: typeof Buffer }, errors: [], received: '' };
const queues = { c: [], s: [] };
const events = (name, q) => ({
  output: (b) => q.push(b),
  handshakeComplete: () => { log[name + 'Complete'] = true; },
  data: (d) => { log.received += new TextDecoder().decode(d); },
  peerClosed: () => {},
  error: (e) => { log.errors.push(name + ': ' + e.message); },
});
const suite = ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'];
const server = new Connection({ isServer: true, certificateChain: chain, privateKey, cipherSuites: suite }, events('server', queues.s));
const client = new Connection({
  servername: 'localhost', cipherSuites: suite, rejectUnauthorized: true,
  trustAnchors: ca, // the engine verifies the chain itself (engine/peer-verification.ts)
}, events('client', queues.c));
client.start();
const pump = () => {
  for (let round = 0; round < 100 && (queues.c.length || queues.s.length); round++) {
    while (queues.c.length) server.receive(queues.c.shift());
    while (queues.s.length) client.receive(queues.s.shift());
  }
};
pump();
client.write(new TextEncoder().encode('hello over 3DES'));
pump();
log.suite = client.cipherSuite && client.cipherSuite.name;
log.verdict = client.peerVerdict;
globalThis.result = JSON.stringify(log);
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
