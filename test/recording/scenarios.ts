/**
 * NODE-ONLY (spawns gnutls-serv / gnutls-cli, opens sockets, runs node:tls): the catalogue of recorded
 * sessions behind vectors/transcripts/*.json and the code that records each one against a live peer.
 * `npm run record` (bench/record-transcripts.ts -> test/recording/record-command.ts) runs it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import type { SessionData } from '../../lib/session/types.js';
import { fromHex, toHex, utf8 } from '../../lib/util/bytes.js';
import { createTestPki } from '../helpers/testca.js';
import { suiteIdOf, type KeyFiles } from '../../lib/replay/config.js';
import { sessionToJson, serializeTranscript, type PeerInfo, type Transcript, type UtTlsConfig } from '../../lib/replay/format.js';
import { RecordingSession, type AppScript } from '../../lib/replay/recorder.js';
import { freePort, LOCALHOST, sleep, spawnPeer, waitForPort, within, type PeerProcess } from '../helpers/peers.js';
import { gnutlsVersion, recordClient, recordServer, startRelay } from './recorder-node.js';
import { analyzeTranscript } from '../../lib/replay/decoder.js';
import { TRANSCRIPT_FORMAT, TRANSCRIPT_VERSION } from '../../lib/replay/format.js';
import { recordSSLv2HelloSession } from './synthetic-client.js';

/** The engine clock of every recording: 2025-01-01T00:00:00Z. Resumptions happen a minute later. */
export const RECORDING_CLOCK = Date.UTC(2025, 0, 1);
export const RESUME_DELAY_MS = 60_000;

/** What ut-tls's client sends to echo servers, and what peer clients send to ut-tls's echoing server. */
export const CLIENT_MESSAGE = 'hello from ut-tls\n';
export const PEER_MESSAGE = 'hello from the peer\n';

export const KEY_FILES = ['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key'] as const;

export interface RsaSuiteRow {
  short: string;
  name: string;
  gnutls: string;
}

export const RSA_SUITES: readonly RsaSuiteRow[] = [
  { short: '3des', name: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', gnutls: '+3DES-CBC' },
  { short: 'rc4', name: 'TLS_RSA_WITH_RC4_128_SHA', gnutls: '+ARCFOUR-128' },
  { short: 'aes128', name: 'TLS_RSA_WITH_AES_128_CBC_SHA', gnutls: '+AES-128-CBC' },
  { short: 'aes256', name: 'TLS_RSA_WITH_AES_256_CBC_SHA', gnutls: '+AES-256-CBC' },
];

/** TLS 1.0 only, one cipher, one key exchange, SHA-1 MAC. */
export function gnutlsPriority(cipher: string, kx = '+RSA'): string {
  return `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:${cipher}:-KX-ALL:${kx}:-MAC-ALL:+SHA1:%COMPAT`;
}

export const ANON_DH_PRIORITY = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-KX-ALL:+ANON-DH:%COMPAT';

// ---- keys ------------------------------------------------------------------------------------

/**
 * Writes the fixed recording PKI (root CA, server leaf for localhost/127.0.0.1, client certificate)
 * into dir unless all files are there. Valid 2024-01-01 .. 2049-12-31 so re-recording keeps working.
 */
export async function ensureKeys(dir: string): Promise<KeyFiles> {
  if (!KEY_FILES.every((f) => existsSync(join(dir, f)))) {
    mkdirSync(dir, { recursive: true });
    const validity = { notBefore: new Date(Date.UTC(2024, 0, 1)), notAfter: new Date(Date.UTC(2049, 11, 31)) };
    const pki = await createTestPki({
      client: 'ut-tls transcript client',
      organization: 'ut-tls transcripts',
      ...validity,
      caNotBefore: validity.notBefore,
      caNotAfter: validity.notAfter,
    });
    writeFileSync(join(dir, 'ca.pem'), pki.caPem);
    writeFileSync(join(dir, 'server.pem'), pki.chainPem);
    writeFileSync(join(dir, 'server.key'), pki.server.keyPem);
    writeFileSync(join(dir, 'client.pem'), pki.client!.pem);
    writeFileSync(join(dir, 'client.key'), pki.client!.keyPem);
  }
  return loadKeys(dir);
}

/** Every file of the keys directory, by name. */
export function loadKeys(dir: string): KeyFiles {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir)) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

// ---- scenario plumbing -----------------------------------------------------------------------

export interface RecordContext {
  keys: KeyFiles;
  keysDir: string;
  /** "3.7.9" */
  gnutls: string;
  log(message: string): void;
}

export interface Scenario {
  /** Names of the transcripts it writes (a resumption scenario writes two). */
  names: string[];
  peer: 'gnutls' | 'node' | 'synthetic';
  run(ctx: RecordContext): Promise<Transcript[]>;
}

const now = (): string => new Date().toISOString();

function clientConfig(seed: string, suites: string[], extra: Partial<UtTlsConfig> = {}): UtTlsConfig {
  return { role: 'client', seed, clock: RECORDING_CLOCK, cipherSuites: suites, extensions: {}, ...extra };
}

function serverConfig(seed: string, suites: string[], extra: Partial<UtTlsConfig> = {}): UtTlsConfig {
  return { role: 'server', seed, clock: RECORDING_CLOCK, cipherSuites: suites, certificate: 'server.pem', privateKey: 'server.key', extensions: {}, ...extra };
}

function check(session: RecordingSession, name: string, wantComplete: boolean): void {
  if (session.complete !== wantComplete) {
    throw new Error(`${name}: handshake ${session.complete ? 'completed' : `failed (${session.error?.message ?? 'no error'})`}, expected it to ${wantComplete ? 'complete' : 'fail'}`);
  }
}

async function withGnutlsServer<T>(ctx: RecordContext, args: string[], fn: (port: number, command: string) => Promise<T>): Promise<T> {
  const port = await freePort();
  // KEYS/ in an argument stands for the keys directory (written as keys/ in the recorded command).
  const real = args.map((a) => (a.startsWith('KEYS/') ? join(ctx.keysDir, a.slice(5)) : a));
  const full = ['--x509certfile', join(ctx.keysDir, 'server.pem'), '--x509keyfile', join(ctx.keysDir, 'server.key'), '-p', String(port), '-q', ...real];
  const peer = spawnPeer('gnutls-serv', full);
  try {
    await waitForPort(port, 15_000, peer.child);
    const command = `gnutls-serv --x509certfile keys/server.pem --x509keyfile keys/server.key -p PORT -q ${args.map((a) => (/[\s:%]/.test(a) ? `'${a}'` : a.replace(/^KEYS\//, 'keys/'))).join(' ')}`;
    return await fn(port, command);
  } finally {
    await peer.kill();
  }
}

function gnutlsServerPeer(ctx: RecordContext, command: string): PeerInfo {
  return { implementation: 'gnutls-serv', version: ctx.gnutls, role: 'server', command };
}

function gnutlsClientPeer(ctx: RecordContext, command: string): PeerInfo {
  return { implementation: 'gnutls-cli', version: ctx.gnutls, role: 'client', command };
}

function nodePeer(role: 'client' | 'server', command: string): PeerInfo {
  return { implementation: 'node:tls', version: `OpenSSL ${process.versions.openssl} (Node ${process.versions.node})`, role, command };
}

const sendThenClose: AppScript = { kind: 'send-then-close', message: utf8(CLIENT_MESSAGE) };
const echo: AppScript = { kind: 'echo' };

/** ut-tls client against a gnutls-serv: one connection, or a full one then a resumed one. */
function clientVsGnutls(opts: {
  name: string;
  description: string;
  serverArgs: string[];
  config: UtTlsConfig;
  resumedName?: string;
  expectComplete?: boolean;
}): Scenario {
  return {
    names: opts.resumedName ? [opts.name, opts.resumedName] : [opts.name],
    peer: 'gnutls',
    run: (ctx) =>
      withGnutlsServer(ctx, opts.serverArgs, async (port, command) => {
        const first = await recordClient({ config: opts.config, keys: ctx.keys, script: sendThenClose, port });
        check(first, opts.name, opts.expectComplete ?? true);
        const out = [first.transcript({ name: opts.name, description: opts.description, peer: gnutlsServerPeer(ctx, command), recorded: now() })];
        if (opts.resumedName) {
          const second = await recordClient({ config: resumedConfig(opts.config, first.session, opts.name), keys: ctx.keys, script: sendThenClose, port });
          check(second, opts.resumedName, true);
          if (!second.conn.resumed) throw new Error(`${opts.resumedName}: gnutls-serv did not resume the session`);
          out.push(second.transcript({ name: opts.resumedName, description: opts.description + RESUMED_SUFFIX, peer: gnutlsServerPeer(ctx, command), recorded: now() }));
        }
        return out;
      }),
  };
}

/** ut-tls server against gnutls-cli (with --resume: two connections, the second resumed). */
function serverVsGnutls(opts: {
  name: string;
  description: string;
  cliArgs: string[];
  config: UtTlsConfig;
  resumedName?: string;
  expectComplete?: boolean;
}): Scenario {
  return {
    names: opts.resumedName ? [opts.name, opts.resumedName] : [opts.name],
    peer: 'gnutls',
    run: async (ctx) => {
      const count = opts.resumedName ? 2 : 1;
      let clock = RECORDING_CLOCK;
      const store = new MemorySessionStore({ now: () => clock });
      const message = utf8(PEER_MESSAGE);
      const args = [...opts.cliArgs, ...(opts.resumedName ? ['--resume'] : [])];
      const command = `gnutls-cli -p PORT 127.0.0.1 --x509cafile keys/ca.pem ${args.map((a) => (/[\s:%]/.test(a) ? `'${a}'` : a)).join(' ')} (stdin: ${JSON.stringify(PEER_MESSAGE)})`;
      let client: PeerProcess | null = null;
      try {
        const sessions = await recordServer({
          keys: ctx.keys,
          count,
          sessionStore: store,
          configFor: (i, earlier) => {
            if (i === 0) return { config: opts.config, script: echo };
            const config = resumedConfig(opts.config, earlier[0]!.session, opts.name);
            clock = config.clock;
            return { config, script: echo };
          },
          runPeer: async (port, hooks) => {
            const full = ['-p', String(port), LOCALHOST, '--x509cafile', join(ctx.keysDir, 'ca.pem'), ...args];
            const proc = spawnPeer('gnutls-cli', full);
            client = proc;
            proc.child.stdin!.write(message);
            // gnutls-cli sends its input once connected; ending stdin after the last connection has echoed
            // it back makes gnutls-cli say goodbye (close_notify) at a fixed point of the session.
            let ended = false;
            hooks.onProgress((sessions) => {
              const last = sessions[count - 1];
              if (!ended && last && (last.bytesWritten >= message.length || last.finished)) {
                ended = true;
                proc.child.stdin!.end();
              }
            });
            await within(proc.exited, 15_000);
          },
        });
        const peer = gnutlsClientPeer(ctx, command);
        check(sessions[0]!, opts.name, opts.expectComplete ?? true);
        const out = [sessions[0]!.transcript({ name: opts.name, description: opts.description, peer, recorded: now() })];
        if (opts.resumedName) {
          check(sessions[1]!, opts.resumedName, true);
          if (!sessions[1]!.conn.resumed) throw new Error(`${opts.resumedName}: gnutls-cli did not resume`);
          out.push(sessions[1]!.transcript({ name: opts.resumedName, description: `${opts.description.replace(/: first connection.*$/, '')}: second connection, resuming the first one's session`, peer, recorded: now() }));
        }
        return out;
      } finally {
        if (client) await (client as PeerProcess).kill();
      }
    },
  };
}

/** node:tls at TLS 1.0 with one OpenSSL suite name, as every node scenario runs it. */
function nodeTls10(openssl: string): { minVersion: 'TLSv1'; maxVersion: 'TLSv1'; ciphers: string } {
  return { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: `${openssl}:@SECLEVEL=0` };
}

/** A node scenario: one connection, or (resumedName) a full one then a second resuming its session. */
export interface NodeScenarioOptions {
  name: string;
  suite: RsaSuiteRow;
  /** OpenSSL's name of the suite ("AES128-SHA"). */
  openssl: string;
  /** utTls.extensions (EMS, EtM, tickets); default {}. */
  extensions?: Record<string, unknown>;
  /** Server role: utTls.ticketKeys (hex), so the tickets ut-tls seals replay. */
  ticketKeys?: string;
  /** What the session shows beyond the suite and the peer, for the description. */
  what?: string;
  resumedName?: string;
}

/** The fixed ticket keys of the ticket recordings (48 bytes, node:tls ticketKeys shape), both roles. */
export const RECORDING_TICKET_KEYS = '7574746c73206b6579206e616d6521' + '01' + '11'.repeat(16) + '22'.repeat(16);

/** The second connection of a resumption pair: own seed, a minute later, the first one's session (unless a ticket carries it). */
function resumedConfig(config: UtTlsConfig, previous: SessionData | null, name: string, carrySession = true): UtTlsConfig {
  if (!previous) throw new Error(`${name}: the first connection left no session to resume`);
  return { ...config, seed: `${config.seed} resumed`, clock: RECORDING_CLOCK + RESUME_DELAY_MS, ...(carrySession ? { session: sessionToJson(previous) } : {}) };
}

function scenarioNames(opts: { name: string; resumedName?: string }): string[] {
  return opts.resumedName ? [opts.name, opts.resumedName] : [opts.name];
}

const RESUMED_SUFFIX = "; second connection, resuming the first one's session";

/** ut-tls client against a node:tls echo server (OpenSSL 3 at TLS 1.0). */
function clientVsNode(opts: NodeScenarioOptions): Scenario {
  const { name, suite, openssl } = opts;
  return {
    names: scenarioNames(opts),
    peer: 'node',
    run: async (ctx) => {
      // Fixed node ticket keys for the ticket recordings, so that re-recording gives the same tickets' key name.
      const tickets = opts.extensions?.sessionTickets === true;
      const options: tls.TlsOptions = { key: ctx.keys['server.key'], cert: ctx.keys['server.pem'], ...nodeTls10(openssl), ...(tickets ? { ticketKeys: Buffer.from(RECORDING_TICKET_KEYS, 'hex') } : {}) };
      const server = tls.createServer(options, (socket) => {
        socket.on('data', (d) => socket.write(d));
        socket.on('end', () => socket.end());
        socket.on('error', () => undefined);
      });
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, LOCALHOST, () => resolve()));
      const port = (server.address() as { port: number }).port;
      try {
        const config = clientConfig(name, [suite.name], opts.extensions ? { extensions: opts.extensions } : {});
        const session = await recordClient({ config, keys: ctx.keys, script: sendThenClose, port });
        check(session, name, true);
        const command = `tls.createServer({ key: keys/server.key, cert: keys/server.pem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: '${openssl}:@SECLEVEL=0'${tickets ? `, ticketKeys: <${RECORDING_TICKET_KEYS}>` : ''} }), echoing`;
        const description = `ut-tls client, ${suite.name}, ${opts.what ?? 'full handshake'} against node:tls (OpenSSL) as an echo server`;
        const out = [session.transcript({ name, description, peer: nodePeer('server', command), recorded: now() })];
        if (opts.resumedName) {
          const second = await recordClient({ config: resumedConfig(config, session.session, name), keys: ctx.keys, script: sendThenClose, port });
          check(second, opts.resumedName, true);
          if (!second.conn.resumed) throw new Error(`${opts.resumedName}: node:tls did not resume the session`);
          out.push(second.transcript({ name: opts.resumedName, description: description + RESUMED_SUFFIX, peer: nodePeer('server', command), recorded: now() }));
        }
        return out;
      } finally {
        server.close();
      }
    },
  };
}

/**
 * One node:tls client connection to the ut-tls server: writes PEER_MESSAGE, ends once the echo is back.
 * Resolves with the last session node:tls handed out (a ticket, for a resumption) and whether it resumed.
 */
function nodeClientConnection(name: string, port: number, ctx: RecordContext, openssl: string, session?: Buffer): Promise<{ session?: Buffer; reused: boolean }> {
  const message = utf8(PEER_MESSAGE);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: LOCALHOST, port, ca: ctx.keys['ca.pem'], ...nodeTls10(openssl), ...(session ? { session } : {}) });
    let got = 0;
    let kept: Buffer | undefined;
    let reused = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${name}: node:tls client timed out`));
    }, 15_000);
    socket.on('session', (s: Buffer) => (kept = s));
    socket.on('secureConnect', () => {
      reused = socket.isSessionReused();
      socket.write(message);
    });
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= message.length) socket.end();
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...(kept ? { session: kept } : {}), reused });
    });
  });
}

/** node:tls client against the ut-tls server, which echoes (with resumedName: a second connection offering node's session). */
function serverVsNode(opts: NodeScenarioOptions): Scenario {
  const { name, suite, openssl } = opts;
  return {
    names: scenarioNames(opts),
    peer: 'node',
    run: async (ctx) => {
      const config = serverConfig(name, [suite.name], { ...(opts.extensions ? { extensions: opts.extensions } : {}), ...(opts.ticketKeys ? { ticketKeys: opts.ticketKeys } : {}) });
      const count = opts.resumedName ? 2 : 1;
      const sessions = await recordServer({
        keys: ctx.keys,
        count,
        // No store shared between the connections: with tickets the ticket is what carries the session.
        configFor: (i, earlier) => ({ config: i === 0 ? config : resumedConfig(config, earlier[0]!.session, name, false), script: echo }),
        runPeer: async (port) => {
          let session: Buffer | undefined;
          for (let i = 0; i < count; i++) {
            const r = await nodeClientConnection(name, port, ctx, openssl, session);
            if (i > 0 && !r.reused) throw new Error(`${opts.resumedName}: node:tls did not resume`);
            session = r.session;
          }
        },
      });
      check(sessions[0]!, name, true);
      const command = `tls.connect({ host: '127.0.0.1', ca: keys/ca.pem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: '${openssl}:@SECLEVEL=0' }), writes ${JSON.stringify(PEER_MESSAGE)}, ends after the echo`;
      const description = `ut-tls server, ${suite.name}, ${opts.what ?? 'full handshake'} with node:tls (OpenSSL) as the client`;
      const out = [sessions[0]!.transcript({ name, description, peer: nodePeer('client', command), recorded: now() })];
      if (opts.resumedName) {
        check(sessions[1]!, opts.resumedName, true);
        if (!sessions[1]!.conn.resumed) throw new Error(`${opts.resumedName}: the ut-tls server did not resume`);
        const resumedCommand = `${command}; then again with { session } from its 'session' event`;
        out.push(sessions[1]!.transcript({ name: opts.resumedName, description: description + RESUMED_SUFFIX, peer: nodePeer('client', resumedCommand), recorded: now() }));
      }
      return out;
    },
  };
}

/**
 * ut-tls server answering an SSLv2-compatible ClientHello. SYNTHETIC: the peer is SyntheticSSLv2Client
 * (seeded), since no maintained implementation sends that hello any more.
 */
function serverSSLv2Hello(name: string): Scenario {
  return {
    names: [name],
    peer: 'synthetic',
    run: async (ctx) => {
      const peerSeed = `${name} peer`;
      const session = recordSSLv2HelloSession({
        config: serverConfig(name, ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA']),
        keys: ctx.keys,
        peerSeed,
        suites: [suiteIdOf('TLS_RSA_WITH_3DES_EDE_CBC_SHA')],
        message: utf8(PEER_MESSAGE),
      });
      check(session, name, true);
      const peer: PeerInfo = {
        implementation: 'synthetic',
        version: 'SyntheticSSLv2Client (lib/replay/synthetic-client.ts)',
        role: 'client',
        command: `in memory; SSLv2-compatible CLIENT-HELLO offering SSL_CK_RC4_128_WITH_MD5 and TLS_RSA_WITH_3DES_EDE_CBC_SHA; randomness seededRandom(${JSON.stringify(peerSeed)})`,
      };
      return [
        session.transcript({
          name,
          description: 'ut-tls server accepting an SSLv2-compatible ClientHello (RFC 2246 E.1); the peer is synthetic, made by the recorder, because nothing real sends this hello any more',
          peer,
          synthetic: true,
          recorded: now(),
        }),
      ];
    },
  };
}

/** Every recorded session, in the order they are recorded. */
export function scenarios(): Scenario[] {
  const list: Scenario[] = [];
  for (const s of RSA_SUITES) {
    list.push(
      clientVsGnutls({
        name: `client-gnutls-${s.short}-full`,
        resumedName: `client-gnutls-${s.short}-resumed`,
        description: `ut-tls client, ${s.name}, full handshake against gnutls-serv --echo`,
        serverArgs: ['--echo', '-a', '--priority', gnutlsPriority(s.gnutls)],
        config: clientConfig(`client-gnutls-${s.short}-full`, [s.name]),
      }),
    );
    list.push(
      serverVsGnutls({
        name: `server-gnutls-${s.short}-full`,
        description: `ut-tls server (echoing), ${s.name}, full handshake with gnutls-cli`,
        cliArgs: ['--priority', gnutlsPriority(s.gnutls)],
        config: serverConfig(`server-gnutls-${s.short}-full`, [s.name]),
      }),
      // gnutls-cli --resume: a full handshake closed at once, then a second connection resuming it.
      serverVsGnutls({
        name: `server-gnutls-${s.short}-resume-first`,
        resumedName: `server-gnutls-${s.short}-resumed`,
        description: `ut-tls server, ${s.name}, gnutls-cli --resume: first connection, a full handshake that gnutls-cli closes at once`,
        cliArgs: ['--priority', gnutlsPriority(s.gnutls)],
        config: serverConfig(`server-gnutls-${s.short}-resume-first`, [s.name]),
      }),
    );
  }
  const aes = RSA_SUITES.filter((s) => s.short.startsWith('aes'));
  const opensslName: Record<string, string> = { aes128: 'AES128-SHA', aes256: 'AES256-SHA' };
  for (const s of aes) {
    list.push(clientVsNode({ name: `client-node-${s.short}`, suite: s, openssl: opensslName[s.short]! }));
    list.push(serverVsNode({ name: `server-node-${s.short}`, suite: s, openssl: opensslName[s.short]! }));
  }
  // RFC 7627 / 7366 / 5077 against node:tls (OpenSSL 3 offers and answers EMS and EtM at TLS 1.0).
  const aes128 = aes[0]!;
  const emsEtm = { extendedMasterSecret: true, encryptThenMac: true };
  const what = { emsEtm: 'full handshake with extended_master_secret and encrypt_then_mac', ticket: { client: 'full handshake receiving an RFC 5077 session ticket', server: 'full handshake issuing an RFC 5077 session ticket' } };
  for (const role of ['client', 'server'] as const) {
    const make = role === 'client' ? clientVsNode : serverVsNode;
    list.push(
      make({ name: `${role}-node-ems-etm`, suite: aes128, openssl: 'AES128-SHA', extensions: emsEtm, what: what.emsEtm }),
      make({
        name: `${role}-node-ticket-full`,
        resumedName: `${role}-node-ticket-resumed`,
        suite: aes128,
        openssl: 'AES128-SHA',
        extensions: { sessionTickets: true },
        ...(role === 'server' ? { ticketKeys: RECORDING_TICKET_KEYS } : {}),
        what: what.ticket[role],
      }),
    );
  }
  const dhe = 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA';
  list.push(
    clientVsGnutls({
      name: 'client-gnutls-dhe-aes128',
      description: `ut-tls client, ${dhe} (ephemeral DH from gnutls-serv), full handshake`,
      serverArgs: ['--echo', '-a', '--priority', gnutlsPriority('+AES-128-CBC', '+DHE-RSA')],
      config: clientConfig('client-gnutls-dhe-aes128', [dhe]),
    }),
    serverVsGnutls({
      name: 'server-gnutls-dhe-aes128',
      description: `ut-tls server, ${dhe} (RFC 3526 group 14), full handshake with gnutls-cli`,
      cliArgs: ['--priority', gnutlsPriority('+AES-128-CBC', '+DHE-RSA')],
      config: serverConfig('server-gnutls-dhe-aes128', [dhe]),
    }),
    serverSSLv2Hello('server-synthetic-sslv2-hello'),
    clientVsGnutls({
      name: 'client-gnutls-empty-certificate',
      description: 'ut-tls client without a certificate; gnutls-serv --verify-client-cert asks for one; ut-tls answers with an empty Certificate (TS 33.141 6.1.4) and the handshake completes',
      serverArgs: ['--echo', '--verify-client-cert', '--x509cafile', 'KEYS/ca.pem', '--priority', gnutlsPriority('+3DES-CBC')],
      config: clientConfig('client-gnutls-empty-certificate', ['TLS_RSA_WITH_3DES_EDE_CBC_SHA']),
    }),
    serverVsGnutls({
      name: 'server-gnutls-empty-certificate',
      description: 'ut-tls server with requestCert (rejectUnauthorized false); gnutls-cli has no certificate and sends an empty Certificate; the handshake completes (TS 33.141 6.1.4 operator policy)',
      cliArgs: ['--priority', gnutlsPriority('+3DES-CBC')],
      config: serverConfig('server-gnutls-empty-certificate', ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'], { requestCert: true, rejectUnauthorized: false }),
    }),
    clientVsGnutls({
      name: 'client-gnutls-sni',
      description: 'ut-tls client with servername "localhost": the ClientHello carries server_name (RFC 3546 3.1)',
      serverArgs: ['--echo', '-a', '--priority', gnutlsPriority('+AES-128-CBC')],
      config: clientConfig('client-gnutls-sni', ['TLS_RSA_WITH_AES_128_CBC_SHA'], { servername: 'localhost' }),
    }),
    serverVsGnutls({
      name: 'server-gnutls-anon-dh-refused',
      description: 'gnutls-cli offers only anonymous DH suites; the ut-tls server refuses with a fatal handshake_failure (TS 33.141 7.2(a))',
      cliArgs: ['--priority', ANON_DH_PRIORITY],
      config: serverConfig('server-gnutls-anon-dh-refused', ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA']),
      expectComplete: false,
    }),
    clientVsGnutls({
      name: 'client-gnutls-client-certificate',
      description: 'ut-tls client with a certificate (CertificateVerify signed with its RSA key); gnutls-serv --require-client-cert verifies it',
      serverArgs: ['--echo', '--require-client-cert', '--x509cafile', 'KEYS/ca.pem', '--priority', gnutlsPriority('+AES-128-CBC')],
      config: clientConfig('client-gnutls-client-certificate', ['TLS_RSA_WITH_AES_128_CBC_SHA'], { certificate: 'client.pem', privateKey: 'client.key' }),
    }),
    clientVsGnutls({
      name: 'client-gnutls-certificate-required',
      description: 'ut-tls client without a certificate against gnutls-serv --require-client-cert: the empty Certificate is refused with a fatal alert from the peer',
      serverArgs: ['--echo', '--require-client-cert', '--x509cafile', 'KEYS/ca.pem', '--priority', gnutlsPriority('+AES-128-CBC')],
      config: clientConfig('client-gnutls-certificate-required', ['TLS_RSA_WITH_AES_128_CBC_SHA']),
      expectComplete: false,
    }),
  );
  return list;
}

// ---- captures of sessions ut-tls takes no part in ---------------------------------------------

/** %NO_ETM: encrypt_then_mac (RFC 7366) would change the record layout, which the decoder does not read. */
export const CAPTURE_PRIORITY = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT:%NO_ETM';

export interface Capture {
  transcript: Transcript;
  /** The NSS key log gnutls-cli wrote (SSLKEYLOGFILE). */
  keylog: string;
}

/**
 * gnutls-cli against gnutls-serv --echo through a relay that writes down every record both ways, with
 * SSLKEYLOGFILE set for gnutls-cli (GnuTLS 3.7 honours it). The client sends `message`, waits for the
 * echo, then closes. `expected` is filled from decoding the capture with that key log.
 */
export async function captureGnutlsSession(opts: { keysDir: string; name: string; message: string; priority?: string; timeoutMs?: number }): Promise<Capture> {
  const priority = opts.priority ?? CAPTURE_PRIORITY;
  const version = await gnutlsVersion();
  const port = await freePort();
  const server = spawnPeer('gnutls-serv', ['--x509certfile', join(opts.keysDir, 'server.pem'), '--x509keyfile', join(opts.keysDir, 'server.key'), '-p', String(port), '-q', '--echo', '-a', '--priority', priority]);
  const keylogFile = join(tmpdir(), `ut-tls-capture-${process.pid}-${Date.now()}.keylog`);
  let client: PeerProcess | null = null;
  let relay: Awaited<ReturnType<typeof startRelay>> | null = null;
  try {
    await waitForPort(port, 15_000, server.child);
    relay = await startRelay(port);
    const r = relay;
    client = spawnPeer('gnutls-cli', ['-p', String(relay.port), LOCALHOST, '--x509cafile', join(opts.keysDir, 'ca.pem'), '--priority', priority], {
      env: { ...process.env, SSLKEYLOGFILE: keylogFile },
    });
    client.child.stdin!.write(opts.message);
    // End the client's input once the echo has come back through the relay: gnutls-cli then closes.
    const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
    const echoed = (): boolean => r.records.filter((x) => x.from === 'server' && x.type === 'application_data').length > 0;
    while (!echoed() && Date.now() < deadline && client.child.exitCode === null) await sleep(20);
    client.child.stdin!.end();
    if ((await within(client.exited, Math.max(1000, deadline - Date.now()))) === 'timeout') throw new Error('gnutls-cli did not exit');
    await sleep(100); // the server's last records (close_notify) cross the relay
    const keylog = existsSync(keylogFile) ? readFileSync(keylogFile, 'utf8') : '';
    if (!keylog.includes('CLIENT_RANDOM')) throw new Error('gnutls-cli wrote no CLIENT_RANDOM line to SSLKEYLOGFILE');
    const transcript: Transcript = {
      format: TRANSCRIPT_FORMAT,
      version: TRANSCRIPT_VERSION,
      name: opts.name,
      description: `gnutls-cli against gnutls-serv --echo (${priority}), captured through a TCP relay; decode with the key log gnutls-cli wrote`,
      recorded: now(),
      capture: { client: `gnutls-cli ${version}`, server: `gnutls-serv ${version}` },
      records: [...r.records],
      expected: { handshake: 'failed', applicationData: { clientToServer: '', serverToClient: '' } },
    };
    const a = analyzeTranscript(transcript, keylog);
    const master = a.clientRandom ? keylogMaster(keylog, a.clientRandom) : undefined;
    transcript.expected = {
      handshake: a.clientFinished === 'verified' && a.serverFinished === 'verified' ? 'complete' : 'failed',
      protocol: 'TLSv1',
      ...(a.cipherSuite ? { cipherSuite: a.cipherSuite } : {}),
      resumed: a.resumed,
      ...(master ? { masterSecret: master } : {}),
      applicationData: { clientToServer: toHex(a.applicationData.clientToServer), serverToClient: toHex(a.applicationData.serverToClient) },
    };
    return { transcript, keylog };
  } finally {
    if (client) await client.kill();
    await server.kill();
    if (relay) await relay.close();
    rmSync(keylogFile, { force: true });
  }
}

function keylogMaster(keylog: string, clientRandom: string): string | undefined {
  for (const line of keylog.split(/\r?\n/)) {
    const [label, random, master] = line.trim().split(/\s+/);
    if (label === 'CLIENT_RANDOM' && random?.toLowerCase() === clientRandom && master) return toHex(fromHex(master));
  }
  return undefined;
}

export const CAPTURE_NAME = 'gnutls-cli-gnutls-serv-aes128';

export interface RecordAllOptions {
  outDir: string;
  keysDir: string;
  /** Only the scenarios writing one of these transcript names (all when empty). */
  only?: string[];
  log?: (message: string) => void;
}

/** Records the catalogue against live peers and writes one JSON file per transcript. Returns the files written. */
export async function recordAll(opts: RecordAllOptions): Promise<string[]> {
  const log = opts.log ?? (() => undefined);
  const keys = await ensureKeys(opts.keysDir);
  const ctx: RecordContext = { keys, keysDir: opts.keysDir, gnutls: await gnutlsVersion(), log };
  const only = opts.only ?? [];
  const written: string[] = [];
  mkdirSync(opts.outDir, { recursive: true });
  if (only.length === 0 || only.includes(CAPTURE_NAME)) {
    const dir = join(opts.outDir, 'captures');
    mkdirSync(dir, { recursive: true });
    const c = await captureGnutlsSession({ keysDir: opts.keysDir, name: CAPTURE_NAME, message: PEER_MESSAGE });
    writeFileSync(join(dir, `${CAPTURE_NAME}.json`), serializeTranscript(c.transcript));
    writeFileSync(join(dir, `${CAPTURE_NAME}.keylog`), c.keylog);
    written.push(join(dir, `${CAPTURE_NAME}.json`));
    log(`wrote ${join(dir, CAPTURE_NAME)}.json and .keylog (${c.transcript.records.length} records; ${c.transcript.expected.handshake}, ${c.transcript.expected.cipherSuite ?? 'no suite'})`);
  }
  for (const sc of scenarios()) {
    if (only.length > 0 && !sc.names.some((n) => only.includes(n))) continue;
    const transcripts = await sc.run(ctx);
    for (const t of transcripts) {
      const file = join(opts.outDir, `${t.name}.json`);
      writeFileSync(file, serializeTranscript(t));
      written.push(file);
      log(`wrote ${file} (${t.records.length} entries; ${t.expected.handshake}${t.expected.cipherSuite ? ', ' + t.expected.cipherSuite : ''}${t.expected.resumed ? ', resumed' : ''}${t.expected.alert ? `, ${t.expected.alert.name} from ${t.expected.alert.sentBy}` : ''})`);
    }
  }
  return written;
}
