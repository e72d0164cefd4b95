/**
 * One RSA-2048 test PKI for the whole run (root CA + server leaf for localhost/127.0.0.1), made
 * with lib/x509/testca.ts and written to a temporary directory for the gnutls processes. Every
 * implementation presents the same certificate and key, and every client trusts the same root.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RsaPrivateKey } from '../../lib/crypto/provider.js';
import { parsePrivateKey } from '../../lib/x509/keys.js';
import { pemDecode } from '../../lib/x509/pem.js';
import { createTestPki } from '../../test/helpers/testca.js';

export interface BenchPki {
  /** Root CA certificate, PEM (what clients trust). */
  caPem: string;
  /** Root CA certificate, DER (trust anchor for the engine-level client). */
  caDer: Uint8Array;
  /** Server certificate, PEM (leaf only: the root signs it directly). */
  certPem: string;
  /** PKCS#8 PEM of the server key. */
  keyPem: string;
  /** What the engine's server sends: leaf DER. */
  chain: Uint8Array[];
  serverKey: RsaPrivateKey;
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Removes the temporary directory (idempotent). */
  cleanup(): void;
}

export async function createBenchPki(): Promise<BenchPki> {
  const pki = await createTestPki({ names: ['localhost', '127.0.0.1'], keyBits: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-bench-'));
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  writeFileSync(caFile, pki.root.pem);
  writeFileSync(certFile, pki.server.pem);
  writeFileSync(keyFile, pki.server.keyPem, { mode: 0o600 });
  let removed = false;
  return {
    caPem: pki.root.pem,
    caDer: pki.root.der,
    certPem: pki.server.pem,
    keyPem: pki.server.keyPem,
    chain: pki.chain,
    serverKey: pki.server.key,
    dir,
    caFile,
    certFile,
    keyFile,
    cleanup() {
      if (removed) return;
      removed = true;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The PKI another process wrote with createBenchPki (for child processes); cleanup() is a no-op here. */
export function loadBenchPki(dir: string): BenchPki {
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server.key');
  const caPem = readFileSync(caFile, 'utf8');
  const certPem = readFileSync(certFile, 'utf8');
  const keyPem = readFileSync(keyFile, 'utf8');
  return {
    caPem,
    caDer: pemDecode(caPem, 'CERTIFICATE')[0]!,
    certPem,
    keyPem,
    chain: pemDecode(certPem, 'CERTIFICATE'),
    serverKey: parsePrivateKey(keyPem),
    dir,
    caFile,
    certFile,
    keyFile,
    cleanup() {},
  };
}
