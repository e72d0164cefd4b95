/**
 * Record throughput, one direction: the client writes `writeSize`-byte chunks for a fixed time,
 * then closes; the receiving end counts the application bytes it decrypted. MB/s = bytes received
 * / (first write to the receiver seeing the close), 1 MB = 10^6 bytes. Loopback (127.0.0.1) for
 * socket figures, both ends in this process; in memory for the engine's own cost. GnuTLS figures
 * come from its command-line tools (see peers/gnutls.ts for how and why).
 */
import { performance } from 'node:perf_hooks';
import type { BenchPki } from './peers/pki.js';
import { gnutlsCliSendFile, gnutlsToGnutls, makeZeroFile } from './peers/gnutls.js';
import { utTlsClientToGnutlsServ } from './peers/gnutls-serv-sink.js';
import type { UtTlsImpl } from './peers/ut-tls.js';
import type { MemoryPeer, SocketPeer, SuiteName, Transfer } from './peers/types.js';

export interface ThroughputFigures {
  bytes: number;
  seconds: number;
  MBps: number;
}

/** Application data: a fixed, non-trivial pattern (content does not change the cost of these ciphers). */
export function payload(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms);
    }),
  ]);
}

function figures(bytes: number, ms: number): ThroughputFigures {
  return { bytes, seconds: ms / 1000, MBps: bytes / (ms / 1000) / 1e6 };
}

/** One connection: warm up for `warmupSeconds`, then measure for `seconds` on a second connection. */
export async function socketThroughput(
  peer: SocketPeer,
  suite: SuiteName,
  writeSize: number,
  seconds: number,
  warmupSeconds = Math.min(0.3, seconds / 2),
): Promise<ThroughputFigures> {
  const server = await peer.listen(suite);
  try {
    const chunk = payload(writeSize);
    const once = async (secs: number): Promise<ThroughputFigures> => {
      const client = await peer.connect(server.port, suite);
      const start = performance.now();
      const deadline = start + secs * 1000;
      const sent = await client.send(chunk, () => performance.now() < deadline);
      const t = await withTimeout(server.nextTransfer(), 60_000 + secs * 10_000, `${peer.impl} ${suite} receiver`);
      if (t.bytes !== sent) throw new Error(`${peer.impl} ${suite}: sent ${sent} bytes, the server received ${t.bytes}`);
      return figures(t.bytes, t.endAt - start);
    };
    if (warmupSeconds > 0) await once(warmupSeconds);
    return await once(seconds);
  } finally {
    await server.close();
  }
}

export async function memoryThroughput(peer: MemoryPeer, suite: SuiteName, writeSize: number, seconds: number): Promise<ThroughputFigures> {
  const chunk = payload(writeSize);
  const conn = await peer.handshake(suite);
  try {
    const warmEnd = performance.now() + Math.min(300, seconds * 500);
    await conn.send(chunk, () => performance.now() < warmEnd);
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const bytes = await conn.send(chunk, () => performance.now() < deadline);
    return figures(bytes, performance.now() - start);
  } finally {
    conn.close();
  }
}

/** Adds transfers until `seconds` of transfer time are collected (at least one transfer). */
async function repeat(seconds: number, one: () => Promise<Transfer>): Promise<ThroughputFigures> {
  let bytes = 0;
  let ms = 0;
  do {
    const t = await one();
    bytes += t.bytes;
    ms += t.endAt - t.firstByteAt;
  } while (ms < seconds * 1000);
  return figures(bytes, ms);
}

/** gnutls-cli sending `fileBytes` zero bytes to gnutls-serv, as many times as `seconds` needs. */
export async function gnutlsThroughput(pki: BenchPki, suite: SuiteName, seconds: number, fileBytes: number): Promise<ThroughputFigures> {
  const file = makeZeroFile(pki.dir, fileBytes);
  try {
    return await repeat(seconds, () => gnutlsToGnutls(pki, suite, file.path, fileBytes, 120_000));
  } finally {
    file.remove();
  }
}

/** gnutls-cli sending a file of `fileBytes` to `peer`'s server (which counts it), repeated as needed. */
export async function gnutlsCliToPeer(pki: BenchPki, peer: SocketPeer, suite: SuiteName, seconds: number, fileBytes: number): Promise<ThroughputFigures> {
  const file = makeZeroFile(pki.dir, fileBytes);
  try {
    const server = await peer.listen(suite);
    try {
      return await repeat(seconds, async () => {
        const transfer = server.nextTransfer();
        await gnutlsCliSendFile(pki, server.port, suite, file.path, 120_000);
        const t = await withTimeout(transfer, 30_000, `${peer.impl} receiving from gnutls-cli`);
        if (t.bytes !== fileBytes) throw new Error(`${peer.impl} received ${t.bytes} of ${fileBytes} bytes from gnutls-cli`);
        return t;
      });
    } finally {
      await server.close();
    }
  } finally {
    file.remove();
  }
}

/** Our client sending `fileBytes` in 4095-byte writes to gnutls-serv (peers/gnutls-serv-sink.ts), repeated as needed. */
export async function utTlsToGnutlsServ(pki: BenchPki, impl: UtTlsImpl, suite: SuiteName, seconds: number, fileBytes: number): Promise<ThroughputFigures> {
  return repeat(seconds, () => utTlsClientToGnutlsServ(pki, impl, suite, fileBytes, 120_000));
}
