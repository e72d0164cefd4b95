/**
 * `npm run bench:faults`: load and fault scenarios against a ut-tls server, and the same against a
 * node:tls server where node:tls can play the part (issue 21). Clients are node:tls (TLS 1.0,
 * AES128-SHA) or raw TCP, in this process; figures are the server process's (this one's) RSS and heap.
 *
 *   1. concurrent: 1,000 handshakes started at once; completions, p50/p99 handshake time.
 *   2. slow / idle / stalled: 30 clients each (a ClientHello one byte per 200 ms, nothing at all, half a
 *      ClientHello) beside 200 normal handshakes; the server's handshakeTimeout (3 s here) must release
 *      them while the normal ones complete.
 *   3. resets at every handshake step: 20 clients per step reset the TCP connection after connect,
 *      after their ClientHello, after the server's first flight, after their key exchange flight,
 *      after the handshake and after the first data; the server must survive, free every pending
 *      handshake and still serve.
 *   4. non-reading peer: 50 clients finish the handshake and never read while the server writes as long
 *      as write() returns true; what the server holds per connection.
 *   5. busy async store: 200 clients offer a session while 'resumeSession' answers after 500 ms, and
 *      one flooder offers a session then pushes 20 MB; completions, p50/p99, bytes the server read from
 *      the flooder while the hook was pending.
 *
 * Every scenario has its own deadline; the whole run stays under 2 minutes. Prints a table and one JSON line.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { createServer as createUtServer } from '../lib/index.js';
import { createTestPki } from '../test/helpers/testca.js';

type Impl = 'ut-tls' | 'node:tls';
interface Row {
  scenario: string;
  impl: Impl;
  [k: string]: string | number;
}

const CLIENT: tls.ConnectionOptions = {
  host: '127.0.0.1',
  minVersion: 'TLSv1',
  maxVersion: 'TLSv1',
  ciphers: 'AES128-SHA:@SECLEVEL=0',
  rejectUnauthorized: false,
};
const HANDSHAKE_TIMEOUT = 3000;

const pki = await createTestPki({ names: ['localhost', '127.0.0.1'], keyBits: 2048 });
const rows: Row[] = [];

function makeServer(impl: Impl, extra: Record<string, unknown> = {}, onSecure: (s: tls.TLSSocket) => void = (s) => s.pipe(s)): tls.Server {
  const opts = { key: pki.server.keyPem, cert: pki.server.pem, handshakeTimeout: HANDSHAKE_TIMEOUT, ...extra };
  const server =
    impl === 'ut-tls'
      ? (createUtServer(opts as never, onSecure as never) as unknown as tls.Server)
      : tls.createServer({ ...opts, minVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' }, onSecure);
  server.on('tlsClientError', () => {});
  return server;
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

async function close(server: net.Server): Promise<void> {
  await new Promise<void>((r) => server.close(() => r()));
}

function pct(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!.toFixed(1);
}

function mem(): { rssMB: number; heapMB: number } {
  global.gc?.();
  const m = process.memoryUsage();
  return { rssMB: +(m.rss / 2 ** 20).toFixed(1), heapMB: +((m.heapUsed + m.external) / 2 ** 20).toFixed(1) };
}

/** A node:tls handshake; resolves with its duration in ms, or null on error / timeout. */
function handshake(port: number, ms: number, session?: Buffer): Promise<{ ms: number; socket: tls.TLSSocket } | null> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = tls.connect({ ...CLIENT, port, session });
    const timer = setTimeout(() => {
      s.destroy();
      resolve(null);
    }, ms);
    s.once('secureConnect', () => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - t0, socket: s });
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
}

async function concurrent(impl: Impl): Promise<void> {
  const server = makeServer(impl, { maxPendingHandshakes: 2000 });
  const port = await listen(server);
  const before = mem();
  const t0 = performance.now();
  const results = await Promise.all(Array.from({ length: 1000 }, () => handshake(port, 60_000)));
  const wall = performance.now() - t0;
  const times = results.filter((r) => r !== null).map((r) => r!.ms);
  const peak = mem();
  for (const r of results) r?.socket.destroy();
  await close(server);
  rows.push({ scenario: '1000 concurrent handshakes', impl, completed: times.length, of: 1000, p50ms: pct(times, 50), p99ms: pct(times, 99), wallS: +(wall / 1000).toFixed(1), rssDeltaMB: +(peak.rssMB - before.rssMB).toFixed(1), heapDeltaMB: +(peak.heapMB - before.heapMB).toFixed(1) });
}

/** A ClientHello record (TLS 1.0, AES128-SHA and 3DES), with an optional session ID. */
function clientHello(sessionId = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([
    Buffer.from([3, 1]),
    Buffer.alloc(32, 7),
    Buffer.from([sessionId.length]),
    Buffer.from(sessionId),
    Buffer.from([0, 4, 0, 0x2f, 0, 0x0a, 1, 0]),
  ]);
  const hs = Buffer.concat([Buffer.from([1, 0, body.length >> 8, body.length & 0xff]), body]);
  return Buffer.concat([Buffer.from([22, 3, 1, hs.length >> 8, hs.length & 0xff]), hs]);
}

/** Resolves with how long until the server closed a raw connection (or null if it did not within ms). */
function rawClient(port: number, behave: (s: net.Socket) => void, ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.on('data', () => {});
    const timer = setTimeout(() => {
      s.destroy();
      resolve(null);
    }, ms);
    s.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
    s.once('connect', () => behave(s));
  });
}

async function slowIdleStalled(impl: Impl): Promise<void> {
  const server = makeServer(impl, { maxPendingHandshakes: 2000 });
  const port = await listen(server);
  const hello = clientHello();
  const slow = (s: net.Socket) => {
    let i = 0;
    const tick = setInterval(() => {
      if (s.destroyed || i >= hello.length) return clearInterval(tick);
      s.write(hello.subarray(i, ++i));
    }, 200);
    s.once('close', () => clearInterval(tick));
  };
  const idle = () => {};
  const stalled = (s: net.Socket) => s.write(hello.subarray(0, hello.length >> 1));
  const deadline = HANDSHAKE_TIMEOUT + 5000;
  const bad = Promise.all([
    ...Array.from({ length: 30 }, () => rawClient(port, slow, deadline)),
    ...Array.from({ length: 30 }, () => rawClient(port, idle, deadline)),
    ...Array.from({ length: 30 }, () => rawClient(port, stalled, deadline)),
  ]);
  await new Promise((r) => setTimeout(r, 100));
  const good = await Promise.all(Array.from({ length: 200 }, () => handshake(port, deadline)));
  const released = await bad;
  const times = good.filter((r) => r !== null).map((r) => r!.ms);
  for (const r of good) r?.socket.destroy();
  const rel = released.filter((r) => r !== null) as number[];
  await close(server);
  rows.push({ scenario: 'slow/idle/stalled (90) + 200 normal', impl, completed: times.length, of: 200, p50ms: pct(times, 50), p99ms: pct(times, 99), released: rel.length, releasedOf: 90, releaseP50ms: pct(rel, 50), releaseP99ms: pct(rel, 99) });
}

/** Steps at which a client resets, counted on what it has seen of the handshake. */
const STEPS = ['after connect', 'after ClientHello', "after server's first flight", 'after key exchange flight', 'after handshake', 'after first data'] as const;

function resetAt(port: number, step: number): Promise<void> {
  return new Promise((resolve) => {
    const raw = net.connect({ host: '127.0.0.1', port });
    raw.on('error', () => {});
    let writes = 0;
    let reads = 0;
    const reset = () => {
      if (!raw.destroyed) raw.resetAndDestroy();
    };
    raw.once('close', () => resolve());
    setTimeout(reset, 3000); // a step that never came (the client failed earlier): reset anyway
    if (step === 0) return void raw.once('connect', reset);
    const origWrite = raw.write.bind(raw) as (...a: unknown[]) => boolean;
    (raw as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
      const r = origWrite(...a);
      writes++;
      if ((step === 1 && writes === 1) || (step === 3 && writes === 2)) setImmediate(reset);
      return r;
    };
    raw.on('data', () => {
      reads++;
      if (step === 2 && reads === 1) reset();
    });
    const s = tls.connect({ ...CLIENT, socket: raw });
    s.on('error', () => {});
    s.once('secureConnect', () => {
      if (step === 4) return reset();
      s.write('ping');
      s.once('data', () => step === 5 && reset());
    });
  });
}

async function resets(impl: Impl): Promise<void> {
  const server = makeServer(impl);
  const port = await listen(server);
  let clientErrors = 0;
  server.on('tlsClientError', () => clientErrors++);
  const before = mem();
  await Promise.all(STEPS.flatMap((_, step) => Array.from({ length: 20 }, () => resetAt(port, step))));
  await new Promise((r) => setTimeout(r, 300));
  const after = await handshake(port, 10_000);
  after?.socket.destroy();
  const pending = (server as unknown as { pendingHandshakeCount?: number }).pendingHandshakeCount;
  const conns = await new Promise<number>((r) => server.getConnections((_e, n) => r(n)));
  await close(server);
  rows.push({ scenario: `resets at ${STEPS.length} steps x 20`, impl, serverAlive: 1, servesAfter: after ? 1 : 0, tlsClientErrors: clientErrors, pendingAfter: pending ?? 'n/a', openConnsAfter: conns, rssDeltaMB: +(mem().rssMB - before.rssMB).toFixed(1) });
}

async function nonReading(impl: Impl): Promise<void> {
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  let accepted = 0;
  const held: number[] = [];
  const sockets: tls.TLSSocket[] = [];
  const server = makeServer(impl, {}, (s) => {
    sockets.push(s);
    accepted++;
    s.on('error', () => {});
    // Write while write() says yes, as a well-behaved application does; count what it got rid of.
    let written = 0;
    while (s.write(chunk)) written += chunk.length;
    written += chunk.length;
    held.push(written);
  });
  const port = await listen(server);
  const before = mem();
  const clients = await Promise.all(
    Array.from({ length: 50 }, async () => {
      const r = await handshake(port, 20_000);
      r?.socket.pause();
      return r;
    }),
  );
  await new Promise((r) => setTimeout(r, 1000));
  const peak = mem();
  // What the process itself still holds for the peer: the TLS socket's and its transport's write queues.
  const queued = sockets.map((s) => s.writableLength + ((s as unknown as { transport?: net.Socket; _parent?: net.Socket }).transport?.writableLength ?? 0));
  const queuedKB = queued.length ? queued.reduce((a, b) => a + b, 0) / queued.length / 1024 : NaN;
  for (const c of clients) c?.socket.destroy();
  await close(server);
  const avgKB = held.length ? held.reduce((a, b) => a + b, 0) / held.length / 1024 : NaN;
  rows.push({ scenario: 'non-reading peer x 50', impl, completed: accepted, of: 50, acceptedBeforeBackpressureKB: +avgKB.toFixed(0), queuedInProcessKB: +queuedKB.toFixed(0), rssDeltaMB: +(peak.rssMB - before.rssMB).toFixed(1), heapDeltaMB: +(peak.heapMB - before.heapMB).toFixed(1) });
}

async function busyStore(impl: Impl): Promise<void> {
  const server = makeServer(impl, { maxPendingHandshakes: 2000 });
  // Both servers: node:tls's session hooks. The store answers "unknown" after 500 ms.
  server.on('newSession', (_id: Buffer, _data: Buffer, cb: () => void) => cb());
  server.on('resumeSession', (_id: Buffer, cb: (e: Error | null, d: Buffer | null) => void) => setTimeout(() => cb(null, null), 500));
  let flooderRead = 0;
  const port = await listen(server);
  let first = true;
  server.on('connection', (raw: net.Socket) => {
    // The first connection is the flooder; its hook answers after 500 ms: read what the server took by then.
    if (first) setTimeout(() => (flooderRead = raw.bytesRead), 450);
    first = false;
  });
  const before = mem();
  // The flooder: a ClientHello with a session ID, then 20 MB as fast as the socket takes it.
  const flood = new Promise<void>((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    s.once('connect', () => {
      s.write(Buffer.concat([clientHello(new Uint8Array(32).fill(9)), Buffer.alloc(8192, 0x17)]));
      const junk = Buffer.alloc(64 * 1024, 0x17);
      let sent = 0;
      const pump = () => {
        while (sent < 20 * 2 ** 20 && s.write(junk)) sent += junk.length;
        if (sent < 20 * 2 ** 20 && !s.destroyed) s.once('drain', pump);
      };
      pump();
    });
    setTimeout(() => {
      s.destroy();
      resolve();
    }, 1500);
  });
  await new Promise((r) => setTimeout(r, 50));
  // A session to offer: one full handshake first.
  const full = await handshake(port, 10_000);
  const session = await new Promise<Buffer | undefined>((r) => {
    if (!full) return r(undefined);
    const got = full.socket.getSession();
    if (got) return r(got);
    full.socket.once('session', (s: Buffer) => r(s));
    setTimeout(() => r(undefined), 1000);
  });
  full?.socket.destroy();
  const results = await Promise.all(Array.from({ length: 200 }, () => handshake(port, 20_000, session)));
  const times = results.filter((r) => r !== null).map((r) => r!.ms);
  const peak = mem();
  for (const r of results) r?.socket.destroy();
  await flood;
  await close(server);
  rows.push({ scenario: 'busy store (500 ms) x 200 + 20 MB flooder', impl, completed: times.length, of: 200, p50ms: pct(times, 50), p99ms: pct(times, 99), flooderReadKB: +(flooderRead / 1024).toFixed(0), rssDeltaMB: +(peak.rssMB - before.rssMB).toFixed(1) });
}

async function withDeadline<T>(name: string, ms: number, f: () => Promise<T>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    f(),
    new Promise<void>((r) => {
      timer = setTimeout(() => {
        console.error(`${name}: did not finish in ${ms} ms`);
        r();
      }, ms);
    }),
  ]);
  clearTimeout(timer);
}

// --order node:tls,ut-tls runs node:tls first; --concurrent-only runs scenario 1 only. The order
// matters for the RSS rows: RSS does not shrink after a scenario, so the implementation run second
// reuses the first one's freed memory and its clients' (issue 18 item 3, docs/benchmarks.md).
const orderArg = process.argv.indexOf('--order');
const order = (orderArg >= 0 ? process.argv[orderArg + 1]!.split(',') : ['ut-tls', 'node:tls']) as Impl[];
const concurrentOnly = process.argv.includes('--concurrent-only');
const t0 = performance.now();
for (const impl of order) {
  await withDeadline(`concurrent ${impl}`, 40_000, () => concurrent(impl));
  if (concurrentOnly) continue;
  await withDeadline(`slow ${impl}`, 15_000, () => slowIdleStalled(impl));
  await withDeadline(`resets ${impl}`, 15_000, () => resets(impl));
  await withDeadline(`non-reading ${impl}`, 10_000, () => nonReading(impl));
  await withDeadline(`busy store ${impl}`, 10_000, () => busyStore(impl));
}
for (const r of rows) {
  const { scenario, impl, ...rest } = r;
  console.log(`${scenario.padEnd(44)} ${impl.padEnd(9)} ${Object.entries(rest).map(([k, v]) => `${k}=${v}`).join(' ')}`);
}
console.log(JSON.stringify({ seconds: +((performance.now() - t0) / 1000).toFixed(1), node: process.version, results: rows }));
process.exit(0);
