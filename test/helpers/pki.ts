/**
 * One test PKI (root CA + server leaf for localhost/127.0.0.1 + a client certificate) shared by all
 * test files: generated once, written to a directory under the OS temp dir, and reused by the other
 * test processes (tap runs files in parallel) until it is a day old. Files for gnutls and the CLI,
 * PEM strings for in-process use.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPki } from './testca.js';

export interface TestPkiFiles {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  caPem: string;
  /** Server chain PEM (leaf only: the root signs it directly). */
  certPem: string;
  keyPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const CACHE_DIR = join(tmpdir(), 'ut-tls-test-pki-v1');
const MAX_AGE_MS = 24 * 3600_000; // leaves are valid 30 days; regenerate daily to stay well inside

const FILES = {
  caFile: 'ca.pem',
  certFile: 'server.pem',
  keyFile: 'server.key',
  clientCertFile: 'client.pem',
  clientKeyFile: 'client.key',
} as const;

function load(dir: string): TestPkiFiles {
  const path = (f: string) => join(dir, f);
  return {
    dir,
    caFile: path(FILES.caFile),
    certFile: path(FILES.certFile),
    keyFile: path(FILES.keyFile),
    clientCertFile: path(FILES.clientCertFile),
    clientKeyFile: path(FILES.clientKeyFile),
    caPem: readFileSync(path(FILES.caFile), 'utf8'),
    certPem: readFileSync(path(FILES.certFile), 'utf8'),
    keyPem: readFileSync(path(FILES.keyFile), 'utf8'),
    clientCertPem: readFileSync(path(FILES.clientCertFile), 'utf8'),
    clientKeyPem: readFileSync(path(FILES.clientKeyFile), 'utf8'),
  };
}

function fresh(dir: string): boolean {
  try {
    const done = join(dir, 'complete');
    return existsSync(done) && Date.now() - statSync(done).mtimeMs < MAX_AGE_MS;
  } catch {
    return false;
  }
}

let cached: Promise<TestPkiFiles> | undefined;

export function testPki(): Promise<TestPkiFiles> {
  return (cached ??= make());
}

async function make(): Promise<TestPkiFiles> {
  if (fresh(CACHE_DIR)) return load(CACHE_DIR);
  const pki = await createTestPki({ client: true });
  // Write into a private directory, then rename it into place: a parallel test process either sees
  // a complete directory or none (and then makes its own, which is equally valid).
  const staging = `${CACHE_DIR}.${process.pid}.${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, FILES.caFile), pki.caPem);
  writeFileSync(join(staging, FILES.certFile), pki.chainPem);
  writeFileSync(join(staging, FILES.keyFile), pki.server.keyPem, { mode: 0o600 });
  writeFileSync(join(staging, FILES.clientCertFile), pki.client!.pem);
  writeFileSync(join(staging, FILES.clientKeyFile), pki.client!.keyPem, { mode: 0o600 });
  writeFileSync(join(staging, 'complete'), new Date().toISOString());
  try {
    if (existsSync(CACHE_DIR) && !fresh(CACHE_DIR)) rmSync(CACHE_DIR, { recursive: true, force: true });
    renameSync(staging, CACHE_DIR);
    return load(CACHE_DIR);
  } catch {
    // Another process won the race (rename onto a non-empty directory fails): use its copy.
    if (fresh(CACHE_DIR)) {
      rmSync(staging, { recursive: true, force: true });
      return load(CACHE_DIR);
    }
    return load(staging);
  }
}
