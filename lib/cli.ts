#!/usr/bin/env node
/**
 * The ut-tls command: a TLS 1.0 server (AP) or client (UE) on the command line, for interop labs.
 * Arguments are parsed by hand (no dependencies). Output contract (tests and scripts rely on it):
 *   server: stdout gets exactly one line "listening on HOST:PORT"; stderr one line per handshake
 *           ("handshake suite=<RFC name> resumed=yes|no servername=<name|->") and one per refused
 *           handshake ("refused code=<code> alert=<name|-> reason=<message>").
 *   client: stderr "protocol TLSv1 suite <RFC name> resumed: yes|no" after the handshake; stdin is
 *           copied to the connection and the connection to stdout (like `openssl s_client -quiet`).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { alertName } from './alerts.js';
import { TLSConfigError } from './errors.js';
import { connect } from './socket/connect.js';
import { createServer } from './socket/server.js';
import type { TLSSocket } from './socket/tls-socket.js';

const USAGE = `usage:
  ut-tls server --port PORT --key FILE --cert FILE [--host HOST] [--suites LIST] [--echo]
  ut-tls client HOST:PORT [--suites LIST] [--servername NAME] [--ca FILE] [--insecure]
  ut-tls --help

server   accept TLS 1.0 connections on HOST:PORT (default host 127.0.0.1; port 0 picks one).
         Prints "listening on HOST:PORT" on stdout once accepting, one line per handshake on stderr.
         --echo sends received application data back; otherwise it is written to stdout.
client   connect to HOST:PORT, copy stdin to the connection and the connection to stdout.
         At the end of stdin sends close_notify and waits for the server to close.
         --ca FILE        trust anchors (PEM); default: Node's bundled root certificates
         --servername N   server_name to send and the name to check (default: HOST unless an IP)
         --insecure       do not refuse a certificate that fails verification

replay   replays recorded transcripts byte for byte; non-zero on any divergence
decode   prints the handshake messages and decrypted records of a transcript
record   records transcripts against live peers (gnutls, node:tls)

LIST     comma-separated cipher suites, RFC names (TLS_RSA_WITH_3DES_EDE_CBC_SHA) or OpenSSL names
         (DES-CBC3-SHA), in preference order.
`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

/** --name value / --name=value / boolean --name; booleans are the names listed in `booleans`. */
function parseArgs(argv: string[], booleans: ReadonlySet<string>): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleans.has(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return { positional, flags };
}

function onlyKnown(p: Parsed, known: readonly string[]): void {
  for (const k of p.flags.keys()) if (!known.includes(k)) throw new UsageError(`unknown option --${k}`);
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TLSConfigError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function parsePort(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`bad port ${JSON.stringify(text)}`);
  return Number(text);
}

/** "host:port", "[v6]:port". */
function parseHostPort(text: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: m[1]!, port: parsePort(m[2]!) };
}

/** "code=... alert=... reason=..." for a failure; the alert is named when there is one. */
function describeError(err: unknown): string {
  const e = err as { code?: string; alert?: number; message?: string };
  const alert = typeof e.alert === 'number' ? `${alertName(e.alert)}(${e.alert})` : '-';
  return `code=${e.code ?? 'ERR_UNKNOWN'} alert=${alert} reason=${e.message ?? String(err)}`;
}

function runServer(argv: string[]): void {
  const p = parseArgs(argv, new Set(['echo']));
  onlyKnown(p, ['port', 'key', 'cert', 'host', 'suites', 'echo']);
  if (p.positional.length) throw new UsageError(`unexpected argument ${p.positional[0]}`);
  const portText = str(p, 'port');
  const keyFile = str(p, 'key');
  const certFile = str(p, 'cert');
  if (portText === undefined || !keyFile || !certFile) throw new UsageError('server needs --port, --key and --cert');
  const port = parsePort(portText);
  const host = str(p, 'host') ?? '127.0.0.1';
  const echo = p.flags.has('echo');
  const server = createServer({
    key: readFile(keyFile, '--key'),
    cert: readFile(certFile, '--cert'),
    cipherSuites: str(p, 'suites'),
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const suite = socket.getCipher()?.standardName ?? '-';
    process.stderr.write(`handshake suite=${suite} resumed=${socket.isSessionReused() ? 'yes' : 'no'} servername=${socket.servername ?? '-'}\n`);
    socket.on('error', (err) => process.stderr.write(`connection error ${describeError(err)}\n`));
    if (echo) socket.pipe(socket);
    else socket.on('data', (d: Buffer) => process.stdout.write(d));
  });
  server.on('tlsClientError', (err: unknown) => process.stderr.write(`refused ${describeError(err)}\n`));
  server.on('error', (err) => {
    process.stderr.write(`ut-tls server: ${(err as Error).message}\n`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const addr = server.address() as AddressInfo;
    process.stdout.write(`listening on ${host}:${addr.port}\n`);
  });
  // Open connections would keep server.close() waiting forever: stop accepting and leave.
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

function runClient(argv: string[]): void {
  const p = parseArgs(argv, new Set(['insecure']));
  onlyKnown(p, ['suites', 'servername', 'ca', 'insecure']);
  if (p.positional.length !== 1) throw new UsageError('client needs exactly one HOST:PORT');
  const { host, port } = parseHostPort(p.positional[0]!);
  const caFile = str(p, 'ca');
  const socket = connect({
    host,
    port,
    servername: str(p, 'servername'),
    ca: caFile ? readFile(caFile, '--ca') : undefined,
    rejectUnauthorized: !p.flags.has('insecure'),
    cipherSuites: str(p, 'suites'),
  });
  let exitCode = 0;
  let secure = false;
  socket.once('secureConnect', () => {
    secure = true;
    const suite = socket.getCipher()?.standardName ?? '-';
    const verify = socket.authorized ? '' : ` (certificate not verified: ${socket.authorizationError ?? 'unknown'})`;
    process.stderr.write(`protocol ${socket.getProtocol()} suite ${suite} resumed: ${socket.isSessionReused() ? 'yes' : 'no'}${verify}\n`);
    process.stdin.pipe(socket); // ends the socket (close_notify) at the end of stdin
  });
  socket.on('data', (d: Buffer) => process.stdout.write(d));
  socket.on('error', (err) => {
    exitCode = 1;
    process.stderr.write(`${secure ? 'connection' : 'handshake'} failed ${describeError(err)}\n`);
  });
  socket.on('close', () => {
    // stdin may still be open (the server closed first): flush stdout and leave.
    process.stdout.write('', () => process.exit(exitCode));
  });
}

/** The transcript tools live in lib/replay; loaded only when asked for. */
function runTranscriptCommand(cmd: 'replay' | 'decode' | 'record', args: string[]): void {
  import('./replay/cli-commands.js')
    .then((m) => (cmd === 'replay' ? m.replayCommand(args) : cmd === 'decode' ? m.decodeCommand(args) : m.recordCommand(args)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`ut-tls ${cmd}: ${describeError(err)}\n`);
        process.exitCode = 1;
      },
    );
}

export function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE);
      if (cmd === undefined) process.exitCode = 2;
      return;
    }
    if (cmd === 'server') return runServer(rest);
    if (cmd === 'client') return runClient(rest);
    if (cmd === 'replay' || cmd === 'decode' || cmd === 'record') return runTranscriptCommand(cmd, rest);
    throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ut-tls: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`ut-tls: ${describeError(err)}\n`);
    process.exit(1);
  }
}

main(process.argv.slice(2));
