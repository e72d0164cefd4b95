/**
 * NODE-ONLY (opens sockets, spawns processes): drives a RecordingSession over real TCP against live
 * peers, and captures third-party sessions through a relay. Only 127.0.0.1, ports chosen by the
 * kernel, every wait bounded, every spawned process killed.
 */
import * as net from 'node:net';
import type { SessionStore } from '../../lib/engine/types.js';
import { toHex } from '../../lib/util/bytes.js';
import type { KeyFiles } from '../../lib/replay/config.js';
import { summarizeRecord } from '../../lib/replay/fields.js';
import type { RecordEntry, UtTlsConfig } from '../../lib/replay/format.js';
import { RecordingSession, type AppScript } from '../../lib/replay/recorder.js';
import { RecordSplitter, recordTypeName } from '../../lib/replay/records.js';
import { LOCALHOST, sleep, spawnPeer, within, type PeerProcess } from '../helpers/peers.js';

/**
 * Runs one RecordingSession over a socket until the engine has closed or failed and the socket is
 * done (or `graceMs` after the engine's end, for peers that keep the TCP connection open).
 */
function runOverSocket(session: RecordingSession, socket: net.Socket, timeoutMs: number, graceMs: number, onPeerBytes?: () => void): Promise<RecordingSession> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(session);
    };
    const timer = setTimeout(() => finish(new Error(`session not finished after ${timeoutMs} ms (complete=${session.complete}, error=${session.error?.message ?? 'none'})`)), timeoutMs);
    const checkEnd = (): void => {
      if (session.finished) {
        socket.end();
        setTimeout(() => finish(), graceMs);
      }
    };
    socket.on('data', (d: Buffer) => {
      session.peerBytes(new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice());
      onPeerBytes?.();
      checkEnd();
    });
    socket.on('end', () => setTimeout(() => finish(), 50));
    socket.on('close', () => setTimeout(() => finish(), 50));
    socket.on('error', () => setTimeout(() => finish(), 50));
  });
}

export interface ClientRecordingOptions {
  config: UtTlsConfig;
  keys: KeyFiles;
  script: AppScript;
  port: number;
  timeoutMs?: number;
}

/** ut-tls as the client: connects to 127.0.0.1:port and records the session. */
export function recordClient(opts: ClientRecordingOptions): Promise<RecordingSession> {
  const socket = net.connect({ host: LOCALHOST, port: opts.port });
  socket.setNoDelay(true);
  const session = new RecordingSession({
    config: opts.config,
    keys: opts.keys,
    script: opts.script,
    transport: (bytes) => {
      if (!socket.destroyed) socket.write(bytes);
    },
  });
  const done = runOverSocket(session, socket, opts.timeoutMs ?? 15_000, 100);
  socket.once('connect', () => session.start());
  return done;
}

export interface ServerRecordingOptions {
  keys: KeyFiles;
  /** How many connections to record (2 for a resumption pair). */
  count: number;
  /** Configuration for connection i, given the sessions recorded before it. */
  configFor: (i: number, earlier: readonly RecordingSession[]) => { config: UtTlsConfig; script: AppScript };
  /** Shared by all connections (resumption). */
  sessionStore?: SessionStore;
  /** Starts the peer (the client) once the server listens; resolves when the peer is done. */
  runPeer: (port: number, hooks: ServerHooks) => Promise<void>;
  timeoutMs?: number;
}

export interface ServerHooks {
  /** Called after every batch of peer bytes a session handled (e.g. to end a client's stdin once the echo is out). */
  onProgress(cb: (sessions: readonly RecordingSession[]) => void): void;
}

/** ut-tls as the server: listens on 127.0.0.1, lets the peer connect `count` times, records each connection. */
export async function recordServer(opts: ServerRecordingOptions): Promise<RecordingSession[]> {
  const sessions: RecordingSession[] = [];
  const runs: Promise<RecordingSession>[] = [];
  let progress: (s: readonly RecordingSession[]) => void = () => undefined;
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const i = sessions.length;
    if (i >= opts.count) {
      socket.destroy();
      return;
    }
    const { config, script } = opts.configFor(i, sessions);
    const session = new RecordingSession({
      config,
      keys: opts.keys,
      script,
      transport: (bytes) => {
        if (!socket.destroyed) socket.write(bytes);
      },
      ...(opts.sessionStore ? { sessionStore: opts.sessionStore } : {}),
    });
    sessions.push(session);
    session.start();
    runs.push(runOverSocket(session, socket, opts.timeoutMs ?? 15_000, 100, () => progress(sessions)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  try {
    await opts.runPeer(port, { onProgress: (cb) => (progress = cb) });
    for (let waited = 0; sessions.length < opts.count && waited < 2000; waited += 50) await sleep(50);
    if (sessions.length < opts.count) throw new Error(`the peer made ${sessions.length} of ${opts.count} connections`);
    const result = await within(Promise.all(runs), opts.timeoutMs ?? 15_000);
    if (result === 'timeout') throw new Error('server sessions did not finish in time');
    return result;
  } finally {
    server.close();
  }
}

/** Runs a client process against port with `input` on stdin; resolves when it exits (killed after timeoutMs). */
export async function runClientProcess(
  cmd: string,
  args: string[],
  options: { input?: Uint8Array | string; keepStdinOpen?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ peer: PeerProcess; code: number | string }> {
  const peer = spawnPeer(cmd, args, options.env ? { env: options.env } : {});
  if (options.input !== undefined) peer.child.stdin!.write(options.input);
  if (!options.keepStdinOpen) peer.child.stdin!.end();
  const code = await within(peer.exited, options.timeoutMs ?? 15_000);
  if (code === 'timeout') await peer.kill();
  return { peer, code };
}

export interface RelayCapture {
  port: number;
  /** Records seen so far, both ways, in the order the relay saw them. */
  records: RecordEntry[];
  /** Stops listening and drops any open connection. */
  close(): Promise<void>;
}

/**
 * A TCP relay on 127.0.0.1 in front of targetPort that writes down every record both ways (one
 * connection; the first one accepted is the one captured). The client may open with an SSLv2 hello.
 */
export async function startRelay(targetPort: number): Promise<RelayCapture> {
  const records: RecordEntry[] = [];
  const sockets: net.Socket[] = [];
  let captured = false;
  const server = net.createServer((client) => {
    sockets.push(client);
    if (captured) {
      client.destroy();
      return;
    }
    captured = true;
    const upstream = net.connect({ host: LOCALHOST, port: targetPort });
    sockets.push(upstream);
    const fromClient = new RecordSplitter(true);
    const fromServer = new RecordSplitter(false);
    let clientEncrypted = false;
    let serverEncrypted = false;
    const note = (from: 'client' | 'server', recs: Uint8Array[]): void => {
      for (const r of recs) {
        const encrypted = from === 'client' ? clientEncrypted : serverEncrypted;
        records.push({ from, type: recordTypeName(r), summary: summarizeRecord(r, encrypted), hex: toHex(r) });
        if (r[0] === 20) {
          if (from === 'client') clientEncrypted = true;
          else serverEncrypted = true;
        }
      }
    };
    client.on('data', (d: Buffer) => {
      note('client', fromClient.push(new Uint8Array(d)));
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      note('server', fromServer.push(new Uint8Array(d)));
      client.write(d);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOCALHOST, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    records,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** "3.7.9" from `gnutls-cli --version`. */
export async function gnutlsVersion(): Promise<string> {
  const { peer } = await runClientProcess('gnutls-cli', ['--version'], { timeoutMs: 5000 });
  const m = /gnutls-cli\s+(\S+)/.exec(peer.stdout());
  return m ? m[1]! : 'unknown';
}
