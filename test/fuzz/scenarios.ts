/**
 * Handshake scenarios for the fuzzer: each is a real in-memory handshake run with seeded random on both
 * sides, so the flights a side received can be replayed into a fresh Connection with the same seed and
 * stay valid to the end (Finished, application data, close_notify). A mutation therefore reaches every
 * message of the flight, the encrypted ones included, not only what comes before the key exchange.
 *
 * Scenarios: full RSA handshakes (3DES, AES-128), a DHE-RSA one, a client-certificate flight
 * (CertificateRequest / Certificate / CertificateVerify), an abbreviated (resumed) handshake with a
 * synchronous and with an async ("busy") session store, and an SSLv2-compatible ClientHello.
 */
import '../../lib/crypto/native.js'; // registers node:crypto, so 'auto' is the fast provider
import { resolveProvider } from '../../lib/crypto/select.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { Connection } from '../../lib/engine/connection.js';
import type { ClientEngineOptions, EngineEvents, ServerEngineOptions, SessionData, SessionStore } from '../../lib/engine/types.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { verifyClientChain, verifyServerChain } from '../../lib/x509/verify.js';
import { fuzzPki, type FuzzPki } from './pki.js';
import { splitRecords, type FlightRecord } from './mutator.js';

export type Role = 'server' | 'client';

export interface Scenario {
  /** Stable name, used in reproducer files. */
  name: string;
  /** The role of the Connection the flight is fed to. */
  role: Role;
  /** The records that role received in the real handshake. */
  records: FlightRecord[];
  /** A fresh Connection of `role`, with the seed of the capture (so the replay stays valid). */
  make(events: EngineEvents): Connection;
}

/** A fixed clock: the capture and every replay see the same time (certificates valid, sessions fresh). */
const NOW = fuzzPki().now;

/** For certificate signatures: node:crypto's RSA (the pure default's BigInt modPow dominated a client input). */
const VERIFY_OPS = resolveProvider('auto');

function provider(seed: string) {
  return resolveProvider('auto', { random: seededRandom(seed) });
}

interface Options {
  client: Partial<ClientEngineOptions>;
  server: Partial<ServerEngineOptions>;
}

/** Runs a handshake (plus a little application data and close_notify from each side) and records both wires. */
async function capture(seed: string, make: (seed: string) => Options) {
  const pki = fuzzPki();
  const wires: Record<Role, Uint8Array[]> = { client: [], server: [] };
  const queues: Record<Role, Uint8Array[]> = { client: [], server: [] };
  const done: Record<Role, boolean> = { client: false, server: false };
  const sessions: SessionData[] = [];
  const errors: unknown[] = [];
  const events = (role: Role): EngineEvents => ({
    output: (b) => {
      wires[role].push(b);
      queues[role].push(b);
    },
    handshakeComplete: () => (done[role] = true),
    data: () => {},
    peerClosed: () => {},
    error: (e) => errors.push(e),
    session: (s) => sessions.push(s),
  });
  const o = make(seed);
  const server = new Connection(serverOptions(pki, seed, o.server), events('server'));
  const client = new Connection(clientOptions(pki, seed, o.client), events('client'));
  const flush = async () => {
    for (let round = 0; round < 100 && (queues.client.length > 0 || queues.server.length > 0 || server.suspended || client.suspended); round++) {
      while (queues.client.length > 0) server.receive(queues.client.shift()!);
      while (queues.server.length > 0) client.receive(queues.server.shift()!);
      await new Promise((r) => setImmediate(r));
    }
  };
  client.start();
  await flush();
  if (!done.client || !done.server) throw new Error(`scenario ${seed}: handshake did not complete (${errors.map(String).join('; ')})`);
  client.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  server.write(new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\nhello'));
  await flush();
  client.close();
  await flush();
  if (errors.length > 0) throw new Error(`scenario ${seed}: ${errors.map(String).join('; ')}`);
  return { client: concatBytes(...wires.client), server: concatBytes(...wires.server), sessions };
}

type Pki = FuzzPki;

function serverOptions(pki: Pki, seed: string, extra: Partial<ServerEngineOptions>): ServerEngineOptions {
  return {
    isServer: true,
    certificateChain: pki.chain,
    privateKey: pki.server.key,
    provider: provider(`${seed}/server`),
    now: () => NOW,
    ...extra,
  };
}

function clientOptions(pki: Pki, seed: string, extra: Partial<ClientEngineOptions>): ClientEngineOptions {
  return {
    isServer: false,
    servername: 'localhost',
    provider: provider(`${seed}/client`),
    now: () => NOW,
    // Real verification, so the fuzzed certificates go through path building and signatures too.
    verifyPeer: (chain) => verifyServerChain(chain, { ca: [pki.root.der], servername: 'localhost', now: new Date(NOW), minRSABits: 1024, provider: VERIFY_OPS }),
    ...extra,
  };
}

/** A store that answers on a later macrotask: the engine suspends and queues input meanwhile. */
class BusyStore implements SessionStore {
  constructor(private readonly inner: SessionStore) {}
  get(id: Uint8Array): Promise<SessionData | undefined> {
    return new Promise((r) => setImmediate(() => r(this.inner.get(id) as SessionData | undefined)));
  }
  set(s: SessionData): Promise<void> {
    return new Promise((r) => setImmediate(() => r(this.inner.set(s) as void)));
  }
  delete(id: Uint8Array): Promise<void> {
    return new Promise((r) => setImmediate(() => r(this.inner.delete(id) as void)));
  }
}

/** Both roles of one handshake shape. */
async function pairOf(name: string, make: (seed: string, pki: Pki) => Options): Promise<Scenario[]> {
  const pki = fuzzPki();
  const w = await capture(name, (seed) => make(seed, pki));
  const split = (bytes: Uint8Array) => splitRecords(bytes, HandshakeType.finished);
  return [
    {
      name: `${name}/server`,
      role: 'server',
      records: split(w.client),
      make: (ev) => new Connection(serverOptions(pki, name, make(name, pki).server), ev),
    },
    {
      name: `${name}/client`,
      role: 'client',
      records: split(w.server),
      make: (ev) => new Connection(clientOptions(pki, name, make(name, pki).client), ev),
    },
  ];
}

let all: Promise<Scenario[]> | undefined;

/** Every scenario, captured once per process. */
export function scenarios(): Promise<Scenario[]> {
  return (all ??= build());
}

async function build(): Promise<Scenario[]> {
  const pki = fuzzPki();
  const out: Scenario[] = [];
  out.push(...(await pairOf('rsa-3des', () => ({ client: { cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] }, server: {} }))));
  out.push(...(await pairOf('rsa-aes128', () => ({ client: { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] }, server: {} }))));
  out.push(...(await pairOf('rsa-rc4', () => ({ client: { cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] }, server: {} }))));
  out.push(...(await pairOf('dhe-rsa-aes128', () => ({ client: { cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] }, server: { cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] } }))));
  // RFC 4279 (issue 20): fuzzed hellos and ClientKeyExchange bodies offering / carrying PSK suites.
  const PSK_KEY = new Uint8Array(32).fill(0x5a);
  const psk = (suite: string, hint?: string) => () => ({
    client: { cipherSuites: [suite], pskCallback: () => ({ identity: 'AQIDBAUGBwgJCgsMDQ4PEA==@bsf.example.org', psk: PSK_KEY }) },
    server: { cipherSuites: [suite], pskCallback: (id: string) => (id.endsWith('@bsf.example.org') ? PSK_KEY : null), ...(hint ? { pskIdentityHint: hint } : {}) },
  });
  out.push(...(await pairOf('psk-aes128', psk('TLS_PSK_WITH_AES_128_CBC_SHA', '3GPP-bootstrapping'))));
  out.push(...(await pairOf('dhe-psk-aes128', psk('TLS_DHE_PSK_WITH_AES_128_CBC_SHA', '3GPP-bootstrapping'))));
  out.push(...(await pairOf('rsa-psk-3des', psk('TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA'))));
  out.push(
    ...(await pairOf('client-cert', (_seed, p) => ({
      client: { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], certificateChain: [p.client.der], privateKey: p.client.key },
      server: {
        requestCert: true,
        rejectUnauthorized: true,
        verifyPeer: (chain) => verifyClientChain(chain, { ca: [p.root.der], now: new Date(NOW), minRSABits: 1024, provider: VERIFY_OPS }),
      },
    }))),
  );

  // Resumption: a full handshake makes the session, then the abbreviated one is captured. Each replay
  // gets its own store holding that session (a fatal alert voids it, RFC 2246 7.2.2).
  const first = await capture('resume-setup', () => ({ client: { cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'] }, server: { sessionStore: new MemorySessionStore() } }));
  const session = first.sessions[0];
  if (!session) throw new Error('resume-setup: no session');
  const storeWith = (busy: boolean): SessionStore => {
    const m = new MemorySessionStore({ now: () => NOW });
    m.set(session);
    return busy ? new BusyStore(m) : m;
  };
  for (const busy of [false, true]) {
    const name = busy ? 'resume-busy-store' : 'resume';
    const w = await capture(name, () => ({ client: { session }, server: { sessionStore: storeWith(busy) } }));
    out.push(
      {
        name: `${name}/server`,
        role: 'server',
        records: splitRecords(w.client, HandshakeType.finished),
        make: (ev) => new Connection(serverOptions(pki, name, { sessionStore: storeWith(busy) }), ev),
      },
      {
        name: `${name}/client`,
        role: 'client',
        records: splitRecords(w.server, HandshakeType.finished),
        make: (ev) => new Connection(clientOptions(pki, name, { session }), ev),
      },
    );
  }

  // An SSLv2-compatible CLIENT-HELLO (RFC 2246 E.1) offering two TLS suites: the server answers it.
  const specs = [0x00, 0x00, 0x0a, 0x00, 0x00, 0x2f];
  const challenge = new Uint8Array(16).fill(0x5c);
  const body = new Uint8Array([1, 3, 1, 0, specs.length, 0, 0, 0, challenge.length, ...specs, ...challenge]);
  const v2 = new Uint8Array([0x80 | (body.length >> 8), body.length & 0xff, ...body]);
  out.push({
    name: 'sslv2-hello/server',
    role: 'server',
    records: [{ bytes: v2, type: 0x80, messages: [[2, HandshakeType.client_hello]] }],
    make: (ev) => new Connection(serverOptions(pki, 'sslv2', {}), ev),
  });
  return out;
}
