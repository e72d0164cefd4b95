/**
 * node-forge's TLS (pure JavaScript, binary strings) in both roles. Forge's TLS is sans-IO, like our
 * engine: a connection takes bytes through process() and hands bytes out through tlsDataReady. This
 * file wires it two ways:
 * - over TCP (forgeSocketPeer): each end on a net.Socket we connect ourselves, both in this process;
 * - in memory (forgeMemoryPeer): the two connections' tlsDataReady feed each other through queues.
 *
 * Forge sends a TLS 1.1 ClientHello but its server always answers TLS 1.0, so forge to forge is TLS
 * 1.0 (checked: `negotiatedVersion`). Forge offers only the AES suites. Its server callbacks return
 * PEM, which forge parses again on every handshake (its API has no way to pass parsed objects);
 * that is part of forge's cost as applications use it. The CA store is built once. The server's session
 * cache is wrapped to work around a forge bug (see serverSessionCache).
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import forge from 'node-forge';
import type { BenchPki } from './pki.js';
import { drained } from './streams.js';
import { TransferCounter, TransferQueue, type MemoryConnection, type MemoryPeer, type PeerClient, type PeerOptions, type PeerServer, type SocketPeer, type SuiteName } from './types.js';

export const FORGE_SUITES: readonly SuiteName[] = ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];

/* eslint-disable @typescript-eslint/no-explicit-any -- node-forge has no types here (bench/node-forge.d.ts) */
type ForgeConnection = any;
type ForgeSessionCache = any;

interface Io {
  /** TLS bytes to the other end (binary string). */
  out(bytes: string): void;
  /** Application bytes arrived. */
  data(bytes: string): void;
  connected?(): void;
  closed?(): void;
  error(err: Error): void;
}

function suiteOf(suite: SuiteName): unknown {
  const s = forge.tls.CipherSuites[suite];
  if (!s) throw new Error(`node-forge has no ${suite}`);
  return s;
}

function toError(e: any): Error {
  return e instanceof Error ? e : new Error(`node-forge: ${e?.message ?? String(e)}`);
}

export function forgeServer(pki: BenchPki, suite: SuiteName, sessionCache: ForgeSessionCache | null, io: Io): ForgeConnection {
  return forge.tls.createConnection({
    server: true,
    cipherSuites: [suiteOf(suite)],
    ...(sessionCache ? { sessionCache } : {}),
    verifyClient: false,
    getCertificate: () => pki.certPem,
    getPrivateKey: () => pki.keyPem,
    connected: () => io.connected?.(),
    tlsDataReady: (c: ForgeConnection) => io.out(c.tlsData.getBytes()),
    dataReady: (c: ForgeConnection) => io.data(c.data.getBytes()),
    closed: () => io.closed?.(),
    error: (_c: ForgeConnection, e: unknown) => io.error(toError(e)),
  });
}

const caStores = new WeakMap<BenchPki, unknown>();
function caStore(pki: BenchPki): unknown {
  let s = caStores.get(pki);
  if (!s) {
    s = forge.pki.createCaStore([pki.caPem]);
    caStores.set(pki, s);
  }
  return s;
}

export function forgeClient(pki: BenchPki, suite: SuiteName, sessionCache: ForgeSessionCache | null, io: Io): ForgeConnection {
  return forge.tls.createConnection({
    server: false,
    caStore: caStore(pki),
    cipherSuites: [suiteOf(suite)],
    virtualHost: 'localhost',
    ...(sessionCache ? { sessionCache } : {}),
    verify: (_c: ForgeConnection, verified: unknown) => verified,
    connected: () => io.connected?.(),
    tlsDataReady: (c: ForgeConnection) => io.out(c.tlsData.getBytes()),
    dataReady: (c: ForgeConnection) => io.data(c.data.getBytes()),
    closed: () => io.closed?.(),
    error: (_c: ForgeConnection, e: unknown) => io.error(toError(e)),
  });
}

/** "3.1" for TLS 1.0. */
export function negotiatedVersion(c: ForgeConnection): string {
  return `${c.version.major}.${c.version.minor}`;
}

/**
 * A server session cache. Forge's own cache answers a lookup with an empty session ID by handing out
 * the first cached session, so a forge server "resumes" a session the client never offered and the
 * client fails ("Received TLS record out of order"). Empty IDs get no session here.
 */
function serverSessionCache(): ForgeSessionCache {
  const cache = forge.tls.createSessionCache({}, 1000);
  const get = cache.getSession;
  cache.getSession = (id: string) => (id ? get(id) : null);
  return cache;
}

const binary = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('binary');

// ------------------------------------------------------------------------------- over TCP

export function forgeSocketPeer(pki: BenchPki, options: PeerOptions = {}): SocketPeer {
  return {
    impl: 'node-forge',
    suites: FORGE_SUITES,
    async listen(suite: SuiteName): Promise<PeerServer> {
      const queue = new TransferQueue();
      const cache = options.cacheSessions === false ? null : serverSessionCache();
      const open = new Set<net.Socket>();
      let established = 0;
      const server = net.createServer((sock) => {
        open.add(sock);
        sock.setNoDelay(true);
        const counter = new TransferCounter(queue, () => performance.now());
        let up = false;
        const c = forgeServer(pki, suite, cache, {
          connected: () => {
            up = true;
            established++;
          },
          out: (bytes) => void sock.write(Buffer.from(bytes, 'binary')),
          data: (bytes) => counter.data(bytes.length),
          closed: () => {
            counter.end();
            sock.end();
          },
          error: () => sock.destroy(),
        });
        sock.on('data', (d: Buffer) => c.process(d.toString('binary')));
        sock.on('end', () => {
          counter.end();
          sock.end();
        });
        sock.on('error', () => {});
        sock.on('close', () => {
          open.delete(sock);
          if (up) established--;
          up = false;
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        established: () => established,
        nextTransfer: () => queue.next(),
        close: () =>
          new Promise<void>((resolve) => {
            for (const s of open) s.destroy();
            server.close(() => resolve());
          }),
      };
    },
    connect(port: number, suite: SuiteName, session?: unknown): Promise<PeerClient> {
      // The "session" handed back is the client's session cache: forge stores the session there on close().
      const cache: ForgeSessionCache = (session as ForgeSessionCache | undefined) ?? forge.tls.createSessionCache({}, 1);
      return new Promise((resolve, reject) => {
        const sock = net.connect({ host: '127.0.0.1', port });
        sock.setNoDelay(true);
        let settled = false;
        const fail = (err: Error) => {
          if (!settled) {
            settled = true;
            reject(err);
          }
          sock.destroy();
        };
        const c = forgeClient(pki, suite, cache, {
          out: (bytes) => void sock.write(Buffer.from(bytes, 'binary')),
          data: () => {},
          connected: () => {
            if (settled) return;
            settled = true;
            resolve({
              resumed: c.session?.resuming === true,
              session: cache,
              send: async (chunk, keepGoing) => {
                const data = binary(chunk);
                let sent = 0;
                while (keepGoing()) {
                  c.prepare(data); // tlsDataReady writes the records synchronously
                  sent += chunk.length;
                  if (sock.writableNeedDrain) await drained(sock);
                }
                c.close();
                return sent;
              },
              close: () => c.close(),
            });
          },
          closed: () => sock.end(),
          error: fail,
        });
        sock.on('data', (d: Buffer) => c.process(d.toString('binary')));
        sock.on('error', fail);
        sock.on('end', () => sock.end());
        sock.once('connect', () => c.handshake());
      });
    },
  };
}

// ------------------------------------------------------------------------------- in memory

/** Delivers queued binary strings both ways until neither end has anything left to say. */
function pump(toServer: string[], toClient: string[], server: ForgeConnection, client: ForgeConnection): void {
  for (let round = 0; round < 10_000 && (toServer.length > 0 || toClient.length > 0); round++) {
    while (toServer.length > 0) server.process(toServer.shift());
    while (toClient.length > 0) client.process(toClient.shift());
  }
}

export function forgeMemoryPeer(pki: BenchPki, options: PeerOptions = {}): MemoryPeer {
  const serverCache = options.cacheSessions === false ? null : serverSessionCache();
  return {
    impl: 'node-forge',
    suites: FORGE_SUITES,
    async handshake(suite: SuiteName, session?: unknown): Promise<MemoryConnection> {
      const toServer: string[] = [];
      const toClient: string[] = [];
      let received = 0;
      let failure: Error | null = null;
      let connected = false;
      const server = forgeServer(pki, suite, serverCache, {
        out: (b) => void toClient.push(b),
        data: (b) => void (received += b.length),
        error: (e) => void (failure ??= e),
      });
      let cache: ForgeSessionCache = (session as ForgeSessionCache | undefined) ?? forge.tls.createSessionCache({}, 1);
      let client: ForgeConnection = forgeClient(pki, suite, cache, {
        out: (b) => void toServer.push(b),
        data: () => {},
        connected: () => void (connected = true),
        error: (e) => void (failure ??= e),
      });
      client.handshake();
      pump(toServer, toClient, server, client);
      if (failure) throw failure;
      if (!connected) throw new Error('node-forge in memory: handshake did not complete');
      return {
        resumed: client.session?.resuming === true,
        session: cache,
        async send(chunk, keepGoing) {
          const data = binary(chunk);
          const before = received;
          while (keepGoing()) {
            client.prepare(data);
            pump(toServer, toClient, server, client);
          }
          if (failure) throw failure;
          return received - before;
        },
        serverOnly() {
          // The server's callbacks share this function's closure context, so clear what it must not keep.
          client = null;
          cache = null;
          toServer.length = 0;
          return server;
        },
        close() {
          if (!client) return;
          client.close(); // stores the session in `cache` (forge saves sessions on close)
          pump(toServer, toClient, server, client);
          client = null;
        },
      };
    },
  };
}
