/**
 * GnuTLS 3.7 through its command-line tools, for the suites node:tls cannot do (3DES, RC4) and the
 * AES ones for reference. gnutls-cli is the sender in both measurements: it read(2)s its stdin
 * 4095 bytes at a time and sends each read as one record (so its write size is 4095, whatever we
 * would like). Its receiving side is no use for throughput: it writes what it receives to stdout
 * one byte per write(2).
 *
 * - gnutls → gnutls: gnutls-cli sends a file of zero bytes to `gnutls-serv --echo`. gnutls-serv has
 *   no sink mode, but its echo mode only answers once a line (a '\n') is complete, and it looks for
 *   it with strchr() on the bytes so far, which stops at the first zero byte: fed zeros, it reads
 *   and decrypts everything and answers nothing. Neither tool reports progress, and socket reads do
 *   not show in /proc/<pid>/io, but gnutls-cli's reads of the file do (`rchar`, polled every 2 ms):
 *   the rate is the steady-state one between 10% and 90% of the file, where the socket buffers are
 *   full and the sender can go no faster than the receiver decrypts. A fresh gnutls-serv per
 *   transfer, killed afterwards (after the peer's close it spins on the dead connection).
 * - gnutls-cli → our server: the same sender; our server counts what it decrypted (SocketPeer.listen).
 *
 * Each measurement repeats whole transfers (one process each) until the time budget is spent;
 * process start and handshakes are never inside the timed span. Every process is killed on the way out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort, GNUTLS_PRIORITY, stopProcess, waitForPort } from '../../test/helpers/peers.js';
import type { BenchPki } from './pki.js';
import { SUITES, type SuiteName, type Transfer } from './types.js';

/** TLS 1.0, RSA key exchange, SHA-1 MAC, exactly one cipher (the tests' priority strings). */
export function gnutlsPriority(suite: SuiteName): string {
  return GNUTLS_PRIORITY[suite]!;
}

export const GNUTLS_SUITES: readonly SuiteName[] = SUITES;

let available: boolean | undefined;
export function gnutlsAvailable(): boolean {
  if (available === undefined) {
    const a = spawnSync('gnutls-serv', ['--version'], { stdio: 'ignore' });
    const b = spawnSync('gnutls-cli', ['--version'], { stdio: 'ignore' });
    available = a.status === 0 && b.status === 0;
  }
  return available;
}

/** A file of `bytes` zero bytes (sparse: no disk writes), removed by the returned function. */
export function makeZeroFile(dir: string, bytes: number): { path: string; remove(): void } {
  const path = join(dir, `zeros-${bytes}.bin`);
  writeFileSync(path, '');
  truncateSync(path, bytes);
  return { path, remove: () => rmSync(path, { force: true }) };
}

function readRchar(pid: number): number {
  const m = /^rchar:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'latin1'));
  if (!m) throw new Error(`no rchar in /proc/${pid}/io`);
  return Number(m[1]);
}

/** True when /proc/<pid>/io is readable here (Linux). */
export function canWatchReads(): boolean {
  try {
    readRchar(process.pid);
    return true;
  } catch {
    return false;
  }
}

/**
 * One transfer gnutls-cli → gnutls-serv of `file` (zero bytes, `fileBytes` long), timed on the
 * sender's reads of the file between 10% and 90% (see the file comment).
 */
export async function gnutlsToGnutls(pki: BenchPki, suite: SuiteName, file: string, fileBytes: number, timeoutMs: number): Promise<Transfer> {
  const port = await freePort();
  const serv = spawn('gnutls-serv', ['--x509certfile', pki.certFile, '--x509keyfile', pki.keyFile, '-p', String(port), '--priority', gnutlsPriority(suite), '-q', '--echo'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  serv.on('error', () => {});
  let cli: ChildProcess | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    await waitForPort(port, 15_000, serv);
    const fd = openSync(file, 'r');
    try {
      cli = spawn('gnutls-cli', ['-p', String(port), '127.0.0.1', '--x509cafile', pki.caFile, '--priority', gnutlsPriority(suite), '--logfile', '/dev/null'], {
        stdio: [fd, 'ignore', 'ignore'],
      });
    } finally {
      closeSync(fd);
    }
    const sender = cli;
    const pid = sender.pid!;
    const started = performance.now();
    const samples: { t: number; r: number }[] = [];
    const exited = new Promise<number | null>((resolve) => sender.once('exit', (code) => resolve(code)));
    sender.on('error', () => {});
    poll = setInterval(() => {
      try {
        const r = readRchar(pid);
        if (samples.length === 0 || samples[samples.length - 1]!.r !== r) samples.push({ t: performance.now(), r });
      } catch {
        // the process has just exited
      }
    }, 2);
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref())]);
    clearInterval(poll);
    if (code === 'timeout') throw new Error(`gnutls-cli → gnutls-serv: ${fileBytes} bytes not sent in ${timeoutMs} ms`);
    if (code !== 0) throw new Error(`gnutls-cli exited with ${code}`);
    // The file's bytes are the last fileBytes of everything gnutls-cli read (it reads its CA file etc. first).
    const end = samples[samples.length - 1]?.r ?? 0;
    const start = end - fileBytes;
    const at = (fraction: number) => samples.find((s) => s.r >= start + fraction * fileBytes);
    const a = at(0.1);
    const b = at(0.9);
    if (!a || !b || b.t <= a.t) throw new Error(`gnutls-cli → gnutls-serv: too few progress samples (${samples.length}) in ${(performance.now() - started).toFixed(0)} ms`);
    return { bytes: b.r - a.r, firstByteAt: a.t, endAt: b.t };
  } finally {
    clearInterval(poll);
    if (cli) await stopProcess(cli);
    await stopProcess(serv);
  }
}

/** gnutls-cli sending `file` (as its stdin) to 127.0.0.1:port; resolves when it exits. */
export function gnutlsCliSendFile(pki: BenchPki, port: number, suite: SuiteName, file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = openSync(file, 'r');
    let child: ChildProcess;
    try {
      child = spawn('gnutls-cli', ['-p', String(port), '127.0.0.1', '--x509cafile', pki.caFile, '--priority', gnutlsPriority(suite), '--logfile', '/dev/null'], {
        stdio: [fd, 'ignore', 'ignore'],
      });
    } finally {
      closeSync(fd); // the child has its own copy
    }
    const timer = setTimeout(() => {
      void stopProcess(child).then(() => reject(new Error(`gnutls-cli sending to our server: no exit after ${timeoutMs} ms`)));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`gnutls-cli exited with ${code}`));
    });
  });
}
