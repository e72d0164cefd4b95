/**
 * A TCP relay on 127.0.0.1 that rewrites the first certificate of a cleartext Certificate handshake
 * message in one direction (every length around it fixed up), and records both directions. Used to
 * put a non-canonical certificate in front of a real ut-tls peer whose own side refuses to load one.
 * Assumes each handshake message sits whole in one record (true for the small test certificates).
 */
import * as net from 'node:net';
import { concatBytes } from '../../lib/util/bytes.js';
import type { Teardown } from './peers.js';

export interface RewriteRelay {
  port: number;
  /** How many Certificate messages were rewritten. */
  rewritten(): number;
  /** Bytes the client sent (after rewriting) and the server sent, per connection. */
  wire(): Array<{ fromClient: Uint8Array; fromServer: Uint8Array }>;
}

const u24 = (n: number) => new Uint8Array([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);

/** Rewrites the first certificate in a Certificate message body (RFC 2246 7.4.2). */
function rewriteCertificateBody(body: Uint8Array, f: (der: Uint8Array) => Uint8Array): Uint8Array | null {
  if (body.length < 6) return null; // an empty list (a client without a certificate)
  const firstLen = (body[3]! << 16) | (body[4]! << 8) | body[5]!;
  const rest = body.subarray(6 + firstLen);
  const first = f(body.subarray(6, 6 + firstLen));
  const list = concatBytes(u24(first.length), first, rest);
  return concatBytes(u24(list.length), list);
}

/** Rewrites the handshake messages of one cleartext handshake record payload. */
function rewriteHandshakePayload(payload: Uint8Array, f: (der: Uint8Array) => Uint8Array, done: () => void): Uint8Array {
  const parts: Uint8Array[] = [];
  let off = 0;
  while (off + 4 <= payload.length) {
    const type = payload[off]!;
    const len = (payload[off + 1]! << 16) | (payload[off + 2]! << 8) | payload[off + 3]!;
    const body = payload.subarray(off + 4, off + 4 + len);
    const rewritten = type === 11 ? rewriteCertificateBody(body, f) : null;
    if (rewritten) {
      done();
      parts.push(new Uint8Array([type]), u24(rewritten.length), rewritten);
    } else parts.push(payload.subarray(off, off + 4 + len));
    off += 4 + len;
  }
  parts.push(payload.subarray(off));
  return concatBytes(...parts);
}

export async function startRewriteRelay(
  t: Teardown,
  targetPort: number,
  direction: 'fromClient' | 'fromServer',
  f: (der: Uint8Array) => Uint8Array,
): Promise<RewriteRelay> {
  let count = 0;
  const logs: Array<{ c2s: Uint8Array[]; s2c: Uint8Array[] }> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(down).add(up);
    const log = { c2s: [] as Uint8Array[], s2c: [] as Uint8Array[] };
    logs.push(log);
    const pipe = (from: net.Socket, to: net.Socket, out: Uint8Array[], rewrite: boolean) => {
      let pending: Uint8Array = new Uint8Array(0);
      let clear = true;
      from.on('data', (d: Buffer) => {
        if (!rewrite || !clear) {
          out.push(new Uint8Array(d));
          if (!to.destroyed) to.write(d);
          return;
        }
        pending = concatBytes(pending, d);
        // Pass on whole records only, rewriting cleartext handshake ones until ChangeCipherSpec.
        while (pending.length >= 5) {
          const len = (pending[3]! << 8) | pending[4]!;
          if (pending.length < 5 + len) break;
          let rec: Uint8Array = pending.subarray(0, 5 + len);
          pending = pending.subarray(5 + len);
          if (clear && rec[0] === 22) {
            const payload = rewriteHandshakePayload(rec.subarray(5), f, () => count++);
            rec = concatBytes(rec.subarray(0, 3), new Uint8Array([payload.length >> 8, payload.length & 0xff]), payload);
          }
          if (rec[0] === 20) clear = false;
          out.push(rec);
          if (!to.destroyed) to.write(rec);
        }
        if (!clear && pending.length > 0) {
          out.push(pending);
          if (!to.destroyed) to.write(pending);
          pending = new Uint8Array(0);
        }
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    };
    pipe(down, up, log.c2s, direction === 'fromClient');
    pipe(up, down, log.s2c, direction === 'fromServer');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    rewritten: () => count,
    wire: () => logs.map((l) => ({ fromClient: concatBytes(...l.c2s), fromServer: concatBytes(...l.s2c) })),
  };
}

/** The cleartext fatal alerts (level 2) in one direction's bytes, by description. */
export function fatalAlerts(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let off = 0;
  let clear = true;
  while (off + 5 <= bytes.length) {
    const type = bytes[off]!;
    const len = (bytes[off + 3]! << 8) | bytes[off + 4]!;
    if (type === 20) clear = false;
    if (clear && type === 21 && len === 2 && bytes[off + 5] === 2) out.push(bytes[off + 6]!);
    off += 5 + len;
  }
  return out;
}
