/**
 * Shared pieces of the ut-tls/http tests: a ut-tls HTTPS server and a node:https server with the
 * same handler (so each behaviour can be asserted against node:https), raw TLS exchanges, and
 * process runs with bounded time.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as https from 'node:https';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import type { Test } from 'tap';
import { createServer, type Server, type ServerOptions } from '../../lib/http/index.js';
import type { TLSSocket } from '../../lib/socket/tls-socket.js';
import type { TestPkiFiles } from '../helpers/pki.js';

/** node:https and node:tls at TLS 1.0 need security level 0 on Debian's OpenSSL 3. */
export const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' } as const;

export interface Seen {
  method: string;
  url: string;
  bodyLength: number;
  remotePort: number | undefined;
  suite: string | undefined;
  reused: boolean;
  servername: string | null;
}

/** The handler both servers run: reads the body, answers with what it saw as JSON. */
export function echoHandler(seen: Seen[]): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    let n = 0;
    req.on('data', (d: Buffer) => (n += d.length));
    req.on('end', () => {
      const s = req.socket as unknown as TLSSocket & tls.TLSSocket;
      const cipher = s.getCipher() as { standardName?: string } | undefined;
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        bodyLength: n,
        remotePort: s.remotePort,
        suite: cipher?.standardName,
        reused: s.isSessionReused(),
        servername: typeof s.servername === 'string' ? s.servername : null,
      };
      seen.push(entry);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(entry) + '\n');
    });
  };
}

export async function listen(t: Test, server: Server | https.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return (server.address() as AddressInfo).port;
}

/** A ut-tls/http server and a node:https server with the same options and handler. */
export async function serverPair(
  t: Test,
  pki: TestPkiFiles,
  options: Partial<ServerOptions> = {},
  handler?: (req: http.IncomingMessage, res: http.ServerResponse) => void,
): Promise<{ ours: Server; node: https.Server; oursPort: number; nodePort: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const h = handler ?? echoHandler(seen);
  const ours = createServer({ key: pki.keyPem, cert: pki.certPem, ...options }, h);
  const { cipherSuites: _drop, ...httpOnly } = options as Record<string, unknown>;
  const node = https.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1, ...httpOnly } as https.ServerOptions, h);
  const [oursPort, nodePort] = await Promise.all([listen(t, ours), listen(t, node)]);
  return { ours, node, oursPort, nodePort, seen };
}

export interface RawExchange {
  /** Everything the server sent, as latin1 text. */
  text: string;
  /** How the connection ended: 'close' (after end or close_notify) or an error code. */
  ended: string;
}

/**
 * A node:tls client at TLS 1.0 that writes `input` (optionally in pieces) and collects the answer
 * until the server closes; gives up after limitMs (then ended is 'limit').
 */
export async function rawExchange(port: number, pki: TestPkiFiles, input: string | Buffer, limitMs = 10_000): Promise<RawExchange> {
  const c = tls.connect({ port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  let text = '';
  let ended = 'close';
  c.setEncoding('latin1');
  c.on('data', (d: string) => (text += d));
  c.on('error', (err: NodeJS.ErrnoException) => (ended = err.code ?? 'error'));
  await once(c, 'secureConnect');
  c.write(input);
  const limit = setTimeout(() => {
    ended = 'limit';
    c.destroy();
  }, limitMs);
  await once(c, 'close');
  clearTimeout(limit);
  return { text, ended };
}

/** Runs a command to completion (killed after timeoutMs); stdout as a Buffer, stderr as text. */
export function run(t: Test, cmd: string, args: string[], timeoutMs = 20_000): Promise<{ code: number | string; stdout: Buffer; stderr: string }> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.setEncoding('latin1').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 'spawn-error', stdout: Buffer.concat(out), stderr: err + String(e) });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? 'unknown', stdout: Buffer.concat(out), stderr: err });
    });
  });
}

/** The JSON lines a peer printed (one per answered request). */
export function answers(stdout: Buffer | string): Seen[] {
  return String(stdout)
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Seen);
}
