/**
 * Real TLS peers for interop tests: gnutls-serv / gnutls-cli on 127.0.0.1, a free port each time,
 * readiness by polling the port, and every process killed in t.teardown (bounded waits throughout).
 */
import { HandshakeType } from '../../lib/messages/types.js';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

/** What the tap test object offers that these helpers use. */
export interface Teardown {
  teardown(fn: () => void | Promise<void>): void;
}

/** GnuTLS priority strings: TLS 1.0, RSA key exchange, SHA-1 MAC, one cipher each. */
export const GNUTLS_PRIORITY: Record<string, string> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_RC4_128_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+ARCFOUR-128:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-256-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT',
};
/**
 * More suites both sides implement, outside the profile's mandatory set: the DHE_RSA suites
 * (RFC 2246 / RFC 3268) and RC4 with MD5. A ut-tls server must list them in cipherSuites
 * (the DHE ones are not in the AP's default list).
 */
export const GNUTLS_PRIORITY_EXTRA: Record<string, string> = {
  TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-256-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT',
  TLS_RSA_WITH_RC4_128_MD5: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+ARCFOUR-128:-KX-ALL:+RSA:-MAC-ALL:+MD5:%COMPAT',
};
/** All four suites at once (GnuTLS picks by its own preference). */
export const GNUTLS_PRIORITY_ALL =
  'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:+ARCFOUR-128:+AES-128-CBC:+AES-256-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT';

/** The only address tests, bench and recording use. */
export const LOCALHOST = '127.0.0.1';

/** A port nobody listens on right now (the kernel's choice for port 0). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, LOCALHOST, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Like sleep, but the timer does not keep the process alive (for races against a real event). */
export function deadline(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** The promise's value, or 'timeout' after ms; the timer never outlives the race. */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port; rejects after timeoutMs or if `child` exits. */
export async function waitForPort(port: number, timeoutMs = 10_000, child?: ChildProcess): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`peer exited with code ${child.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: LOCALHOST, port });
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`nothing listening on ${LOCALHOST}:${port} after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** SIGKILL for a child still running; resolves once it has exited (at most 2 s). */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await Promise.race([exited, deadline(2000)]);
}

/** A spawned peer whose output is collected. */
export interface PeerProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGKILL if still running; resolves once it has exited (at most 2 s). */
  kill(): Promise<void>;
}

/** Spawns a process with its stdout and stderr collected (latin1); the caller kills it (or use spawnCollected). */
export function spawnPeer(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): PeerProcess {
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('latin1').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('latin1').on('data', (d: string) => (err += d));
  child.stdin!.on('error', () => {}); // the peer may exit before reading everything we send
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (e) => {
      err += String(e);
      resolve('spawn-error');
    });
  });
  return { child, stdout: () => out, stderr: () => err, exited, kill: () => stopProcess(child) };
}

export interface SpawnedPeer extends PeerProcess {
  port: number;
}

/** spawnPeer, with a kill registered in t.teardown. */
export function spawnCollected(t: Teardown, cmd: string, args: string[], port = 0): SpawnedPeer {
  const peer = spawnPeer(cmd, args);
  t.teardown(() => peer.kill());
  return { ...peer, port };
}

/** gnutls-serv --echo on 127.0.0.1 with our test certificate; resolves once it accepts connections. */
export async function startGnutlsServer(
  t: Teardown,
  opts: {
    certFile: string;
    keyFile: string;
    priority: string;
    echo?: boolean;
    extraArgs?: string[];
    /** Line-buffered stdout (through stdbuf), so its messages can be read while it runs. */
    lineBuffered?: boolean;
  },
): Promise<SpawnedPeer> {
  const port = await freePort();
  const args = ['--x509certfile', opts.certFile, '--x509keyfile', opts.keyFile, '-p', String(port), '--priority', opts.priority, '-q'];
  if (opts.echo !== false) args.push('--echo');
  args.push(...(opts.extraArgs ?? []));
  // gnutls-serv's stdout is a block-buffered C stream when piped: it would only show at exit.
  const peer = opts.lineBuffered ? spawnCollected(t, 'stdbuf', ['-oL', 'gnutls-serv', ...args], port) : spawnCollected(t, 'gnutls-serv', args, port);
  await waitForPort(port, 15_000, peer.child);
  return peer;
}

/**
 * gnutls-cli against 127.0.0.1:port, sending `input` on stdin then closing it. The result resolves
 * when the process exits or after timeoutMs (then it is killed).
 */
export async function runGnutlsClient(
  t: Teardown,
  opts: { port: number; caFile: string; priority: string; input: string | Buffer; extraArgs?: string[]; timeoutMs?: number },
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const args = ['-p', String(opts.port), '127.0.0.1', '--x509cafile', opts.caFile, '--priority', opts.priority, ...(opts.extraArgs ?? [])];
  const peer = spawnCollected(t, 'gnutls-cli', args, opts.port);
  peer.child.stdin!.end(opts.input);
  const code = await exitWithin(peer, opts.timeoutMs ?? 15_000);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}

/** The peer's exit code (or signal), or 'timeout' after ms (then it is killed). */
export function exitWithin(peer: PeerProcess, ms: number): Promise<number | string> {
  return Promise.race([
    peer.exited,
    deadline(ms).then(() => {
      peer.child.kill('SIGKILL');
      return 'timeout';
    }),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Reporting peers (test/peers/go, test/peers/java): a server prints {"listening":PORT} and then one
// JSON line per connection; a client prints one JSON line per connection. The same flags for both.

/** What a reporting peer says about one connection. */
export interface PeerReport {
  role: 'client' | 'server';
  /** 'TLSv1' etc. */
  version?: string;
  /** RFC name, e.g. TLS_RSA_WITH_AES_128_CBC_SHA. */
  suite?: string;
  resumed?: boolean;
  /** The negotiated ALPN protocol, '' for none. */
  alpn?: string;
  /** Client: what came back for the message it sent. */
  echo?: string;
  /** JSSE: the session id (hex). */
  sessionId?: string;
  /** The handshake (or the echo) failed. */
  error?: string;
}

/** Options the peers share (see test/peers/go/main.go and test/peers/java/Jsse.java). */
export interface ReportingPeerOptions {
  /** Suite names, the peer's preference order. */
  suites?: string[];
  alpn?: string[];
}

function reportsOf(text: string): PeerReport[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('{') && !l.startsWith('{"listening"'))
    .map((l) => JSON.parse(l) as PeerReport);
}

export interface ReportingServer extends SpawnedPeer {
  /** Resolves with the first n connection reports; fails after ms. */
  reports(n: number, ms?: number): Promise<PeerReport[]>;
}

/** Spawns a reporting server; resolves once it printed its port (within ms). */
export async function startReportingServer(t: Teardown, cmd: string, args: string[], ms = 20_000): Promise<ReportingServer> {
  const peer = spawnCollected(t, cmd, args);
  const m = await Promise.race([
    waitForOutput(peer.stdout, /^\{"listening":(\d+)\}\n/, ms),
    peer.exited.then((code) => {
      throw new Error(`${cmd} exited (${code}) before listening: ${peer.stderr()}`);
    }),
  ]);
  const reports = async (n: number, wait = 10_000): Promise<PeerReport[]> => {
    const end = Date.now() + wait;
    while (reportsOf(peer.stdout()).length < n) {
      if (Date.now() > end) throw new Error(`${cmd}: fewer than ${n} reports after ${wait} ms: ${peer.stdout()} ${peer.stderr()}`);
      await deadline(25);
    }
    return reportsOf(peer.stdout()).slice(0, n);
  };
  return { ...peer, port: Number(m[1]), reports };
}

/** Runs a reporting client to its end (killed after ms); resolves with its reports. */
export async function runReportingClient(
  t: Teardown,
  cmd: string,
  args: string[],
  ms = 20_000,
): Promise<{ code: number | string; reports: PeerReport[]; stderr: string }> {
  const peer = spawnCollected(t, cmd, args);
  peer.child.stdin!.end();
  const code = await exitWithin(peer, ms);
  return { code, reports: reportsOf(peer.stdout()), stderr: peer.stderr() };
}

// ---------------------------------------------------------------------------------------------
// Wire capture: a TCP relay between a client and a server that keeps every byte each way, and a
// parser for the TLS record headers (and the cleartext handshake messages before ChangeCipherSpec).

/** One TLS record header as seen on the wire. */
export interface WireRecord {
  /** ContentType: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data. */
  type: number;
  version: number;
  /** TLSCiphertext.length (payload bytes after the 5-byte header: data + MAC + padding). */
  length: number;
}

export interface WireFlow {
  records: WireRecord[];
  /** Handshake message types sent in the clear (before this direction's first ChangeCipherSpec). */
  handshakeTypes: number[];
  /** The same messages with their bodies (after the 4-byte header). */
  handshakeMessages: { type: number; body: Uint8Array }[];
  /** Bytes at the end that do not make a whole record (a connection cut mid-record). */
  trailing: number;
}

/** Splits one direction's bytes into records; handshake messages are read until the first CCS. */
export function parseWire(bytes: Uint8Array): WireFlow {
  const records: WireRecord[] = [];
  const handshake: number[] = [];
  let clear = true;
  let off = 0;
  while (off + 5 <= bytes.length) {
    const type = bytes[off]!;
    const version = (bytes[off + 1]! << 8) | bytes[off + 2]!;
    const length = (bytes[off + 3]! << 8) | bytes[off + 4]!;
    if (off + 5 + length > bytes.length) break;
    records.push({ type, version, length });
    if (type === 20) clear = false;
    if (type === 22 && clear) for (const b of bytes.subarray(off + 5, off + 5 + length)) handshake.push(b);
    off += 5 + length;
  }
  const handshakeMessages: { type: number; body: Uint8Array }[] = [];
  for (let i = 0; i + 4 <= handshake.length; ) {
    const len = (handshake[i + 1]! << 16) | (handshake[i + 2]! << 8) | handshake[i + 3]!;
    handshakeMessages.push({ type: handshake[i]!, body: Uint8Array.from(handshake.slice(i + 4, i + 4 + len)) });
    i += 4 + len;
  }
  return { records, handshakeTypes: handshakeMessages.map((m) => m.type), handshakeMessages, trailing: bytes.length - off };
}

export interface RelayedConnection {
  /** What the client sent (towards the server). */
  fromClient(): WireFlow;
  /** What the server sent (towards the client). */
  fromServer(): WireFlow;
  /** Both sides closed. */
  closed: Promise<void>;
}

export interface Relay {
  port: number;
  connections: RelayedConnection[];
}

/** A relay on 127.0.0.1 (a free port) to 127.0.0.1:targetPort, closed in t.teardown. */
export async function startRelay(t: Teardown, targetPort: number): Promise<Relay> {
  const connections: RelayedConnection[] = [];
  const sockets = new Set<net.Socket>();
  // Half-open both ways: a FIN from one side is passed on, and the other side may still answer
  // (a TLS peer sends close_notify and FIN, then reads the reply).
  const server = net.createServer({ allowHalfOpen: true }, (down) => {
    const up = net.connect({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true });
    sockets.add(down).add(up);
    const c2s: Buffer[] = [];
    const s2c: Buffer[] = [];
    const pipe = (from: net.Socket, to: net.Socket, log: Buffer[]) => {
      from.on('data', (d: Buffer) => {
        log.push(d);
        if (!to.destroyed) to.write(d);
      });
      from.on('end', () => to.end());
      from.on('error', () => to.destroy());
      // Closed (both directions done, or reset): nothing more can reach the other side.
      from.on('close', () => to.destroy());
    };
    pipe(down, up, c2s);
    pipe(up, down, s2c);
    const closed = Promise.all([once(down, 'close'), once(up, 'close')]).then(() => undefined);
    connections.push({
      fromClient: () => parseWire(Buffer.concat(c2s)),
      fromServer: () => parseWire(Buffer.concat(s2c)),
      closed,
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  t.teardown(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return { port: (server.address() as net.AddressInfo).port, connections };
}

function once(emitter: net.Socket, event: string): Promise<void> {
  return new Promise((resolve) => emitter.once(event, () => resolve()));
}

/** Handshake message type numbers (RFC 2246 7.4, RFC 3546 2.4) for readable assertions. */
export const HS = HandshakeType;

/** The session_id of a ClientHello or ServerHello body (version 2, random 32, then session_id<0..32>). */
export function helloSessionId(body: Uint8Array): Uint8Array {
  return body.subarray(35, 35 + body[34]!);
}

/** Extensions of a ClientHello or ServerHello body, by type (empty map when it has none). */
export function helloExtensions(body: Uint8Array, kind: 'client' | 'server'): Map<number, Uint8Array> {
  let i = 35 + body[34]!; // version, random, session_id
  if (kind === 'client') {
    i += 2 + ((body[i]! << 8) | body[i + 1]!); // cipher_suites
    i += 1 + body[i]!; // compression_methods
  } else {
    i += 3; // cipher_suite, compression_method
  }
  const out = new Map<number, Uint8Array>();
  if (i + 2 > body.length) return out;
  const end = i + 2 + ((body[i]! << 8) | body[i + 1]!);
  for (i += 2; i + 4 <= end; ) {
    const type = (body[i]! << 8) | body[i + 1]!;
    const len = (body[i + 2]! << 8) | body[i + 3]!;
    out.set(type, body.slice(i + 4, i + 4 + len));
    i += 4 + len;
  }
  return out;
}

/** Record content types (RFC 2246 6.2.1). */
export const CT = { change_cipher_spec: 20, alert: 21, handshake: 22, application_data: 23 } as const;

// ---------------------------------------------------------------------------------------------
// Files and the ut-tls command.

/** A private temporary directory, removed in t.teardown. */
export function tempDir(t: Teardown, prefix = 'ut-tls-wire-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * DH parameters for gnutls-serv --dhparams: GnuTLS's own copy of the RFC 7919 ffdhe2048 group
 * (`certtool --get-dh-params`, instant, unlike --generate-dh-params).
 */
export function gnutlsDhParams(dir: string): string {
  const file = join(dir, 'dhparams.pem');
  const r = spawnSync('certtool', ['--get-dh-params', '--sec-param', 'medium', '--outfile', file], { encoding: 'latin1', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`certtool --get-dh-params failed: ${r.stderr}`);
  return file;
}

/** The compiled command (dist/lib/cli.js). */
export const CLI = join(repoRoot, 'dist', 'lib', 'cli.js');

/** Waits until the collected output matches `re`; fails after ms. */
export async function waitForOutput(get: () => string, re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = get().match(re);
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} in ${JSON.stringify(get())}`);
    await deadline(25);
  }
}

/** `ut-tls server --port 0 ...` (127.0.0.1); resolves with the port from its "listening on" line. */
export async function startCliServer(t: Teardown, args: string[]): Promise<SpawnedPeer> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'server', '--port', '0', ...args]);
  const m = await Promise.race([
    waitForOutput(peer.stdout, /^listening on 127\.0\.0\.1:(\d+)\n/, 15_000),
    peer.exited.then((code) => {
      throw new Error(`ut-tls server exited (${code}) before listening: ${peer.stderr()}`);
    }),
  ]);
  return { ...peer, port: Number(m[1]) };
}

/**
 * `ut-tls client ...` with `input` on stdin; resolves when it exits (killed after timeoutMs).
 * With `endAfter`, stdin stays open until stdout matches it: the client sends close_notify at the
 * end of stdin, and a ut-tls server answers it at once (RFC 2246 7.2.1), dropping an echo it had
 * not written yet when data and close_notify arrive in one TCP read.
 */
export async function runCliClient(
  t: Teardown,
  args: string[],
  input: string,
  timeoutMs = 15_000,
  endAfter?: RegExp,
): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const peer = spawnCollected(t, process.execPath, [CLI, 'client', ...args]);
  if (endAfter) {
    peer.child.stdin!.write(input);
    void waitForOutput(peer.stdout, endAfter, timeoutMs).then(
      () => peer.child.stdin!.end(),
      () => peer.child.stdin!.end(),
    );
  } else {
    peer.child.stdin!.end(input);
  }
  const code = await exitWithin(peer, timeoutMs);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}

/** A ut-tls server's log without the " peer=IP:PORT" field (ports differ per run; test/cli checks the field). */
export function withoutPeer(text: string): string {
  return text.replace(/ peer=\S+/g, '');
}

export interface ReportingServerOptions extends ReportingPeerOptions {
  certFile: string;
  keyFile: string;
  /** Peer-specific flags (e.g. the Go peer's --no-tickets). */
  extraArgs?: string[];
}

export interface ReportingClientOptions extends ReportingPeerOptions {
  port: number;
  caFile: string;
  /** Connections made one after the other with one session cache (default 1). */
  connections?: number;
  /** What each connection sends and expects back (default "ping\n"). */
  message?: string;
}

/** A built reporting peer: `cmd ...prefix server|client --flags`. */
export interface ReportingPeer {
  version: string;
  server(t: Teardown, opts: ReportingServerOptions): Promise<ReportingServer>;
  client(t: Teardown, opts: ReportingClientOptions): ReturnType<typeof runReportingClient>;
}

export function reportingPeer(version: string, cmd: string, prefix: string[]): ReportingPeer {
  const common = (o: ReportingPeerOptions) => [...(o.suites ? ['--suites', o.suites.join(',')] : []), ...(o.alpn ? ['--alpn', o.alpn.join(',')] : [])];
  return {
    version,
    server: (t, o) => startReportingServer(t, cmd, [...prefix, 'server', '--cert', o.certFile, '--key', o.keyFile, ...common(o), ...(o.extraArgs ?? [])]),
    client: (t, o) =>
      runReportingClient(t, cmd, [
        ...prefix,
        'client',
        '--port',
        String(o.port),
        '--ca',
        o.caFile,
        ...common(o),
        '--connections',
        String(o.connections ?? 1),
        ...(o.message !== undefined ? ['--message', o.message] : []),
      ]),
  };
}
