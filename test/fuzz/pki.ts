/**
 * The fuzzer's PKI, fixed in test/fuzz/fixtures/pki.json (made once by `node dist/test/fuzz/pki.js`),
 * with a fixed clock inside the certificates' validity: together with seeded random on both sides this
 * makes every captured flight byte-identical in every process, so a saved reproducer (scenario name +
 * input bytes) replays anywhere, for years.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { parsePrivateKey } from '../../lib/x509/keys.js';
import { createTestPki } from '../helpers/testca.js';
import type { RsaPrivateKey } from '../../lib/crypto/provider.js';
import { repoRoot } from '../helpers/paths.js';

export const FIXTURE = join(repoRoot, 'test', 'fuzz', 'fixtures', 'pki.json');

export interface FuzzPki {
  /** The fixed clock (ms since the epoch) of every capture and replay. */
  now: number;
  root: { der: Uint8Array };
  server: { der: Uint8Array; key: RsaPrivateKey };
  client: { der: Uint8Array; key: RsaPrivateKey };
  chain: Uint8Array[];
  chainPem: string;
  serverKeyPem: string;
}

let cached: FuzzPki | undefined;

export function fuzzPki(): FuzzPki {
  if (cached) return cached;
  const j = JSON.parse(readFileSync(FIXTURE, 'utf8')) as {
    now: number;
    root: string;
    server: string;
    serverKey: string;
    client: string;
    clientKey: string;
    chainPem: string;
  };
  const server = fromHex(j.server);
  cached = {
    now: j.now,
    root: { der: fromHex(j.root) },
    server: { der: server, key: parsePrivateKey(j.serverKey) },
    client: { der: fromHex(j.client), key: parsePrivateKey(j.clientKey) },
    chain: [server],
    chainPem: j.chainPem,
    serverKeyPem: j.serverKey,
  };
  return cached;
}

async function make(): Promise<void> {
  const now = Date.UTC(2026, 11, 1);
  const pki = await createTestPki({
    client: 'ue.example.org',
    keyBits: 1024, // the server's RSA decryption dominates a fuzz input; 1024 bits is four times faster
    notBefore: new Date(now - 86400_000),
    notAfter: new Date(now + 3650 * 86400_000),
    caNotBefore: new Date(now - 86400_000),
    caNotAfter: new Date(now + 3650 * 86400_000),
  });
  const out = {
    now,
    root: toHex(pki.root.der),
    server: toHex(pki.server.der),
    serverKey: pki.server.keyPem,
    client: toHex(pki.client!.der),
    clientKey: pki.client!.keyPem,
    chainPem: pki.chainPem,
  };
  writeFileSync(FIXTURE, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote ${FIXTURE}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await make();
