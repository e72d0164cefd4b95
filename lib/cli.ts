#!/usr/bin/env node
/**
 * The ut-tls command: a TLS 1.0 server (AP) or client (UE) on the command line, for interop labs.
 * Arguments are parsed by hand (no dependencies). Output contract (tests and scripts rely on it):
 *   server: stdout gets exactly one line "listening on HOST:PORT"; stderr one line per handshake
 *           ("handshake suite=<RFC name> resumed=yes|no servername=<name|->", followed by
 *           " client-cert=verified|none|unverified:<CODE>" when client certificates are asked for),
 *           one per refused handshake ("refused code=<code> alert=<name|-> reason=<message>") and one
 *           per secure renegotiation ("renegotiated suite=<RFC name> servername=<name|->").
 *   client: stderr "protocol TLSv1 suite <RFC name> resumed: yes|no" after the handshake (then one
 *           line per extension flag given: "max-fragment-length: ...", "truncated-hmac: ...",
 *           "ocsp-response: ..."); stdin is copied to the connection and the connection to stdout
 *           (like `openssl s_client -quiet`).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { alertName } from './alerts.js';
import { FFDHE2048, MODP_GROUP_14, type DhGroup } from './crypto/dh.js';
import type { ServerContext as EngineServerContext, SessionData } from './engine/types.js';
import { TLSConfigError } from './errors.js';
import { DEFAULT_SERVER_SUITES } from './policy/suite-selection.js';
import { encodeSession } from './session/codec.js';
import { connect } from './socket/connect.js';
import { loadCertificates, loadPrivateKey, MAX_SESSION_TIMEOUT } from './socket/options.js';
import { createServer } from './socket/server.js';
import type { TLSSocket } from './socket/tls-socket.js';

const USAGE = `usage:
  ut-tls server --port PORT --key FILE --cert FILE [server options]
  ut-tls client HOST:PORT [client options]
  ut-tls replay|decode|record ...   (transcripts, see below)
  ut-tls bench [--quick] [...]      (benchmarks, from a source checkout; see docs/benchmarks.md)
  ut-tls --help

server   accept TLS 1.0 connections on HOST:PORT (default host 127.0.0.1; port 0 picks one).
         Prints "listening on HOST:PORT" on stdout once accepting, one line per handshake on stderr.
  --host HOST              address to listen on (default 127.0.0.1)
  --suites LIST            cipher suites in preference order (default: the AP profile list)
  --dhe                    put the DHE_RSA suites (AES-256, AES-128, 3DES) first in the default list
  --dh-group NAME          the DHE group for clients that list no RFC 7919 group (those that do get
                           ffdhe2048): modp2048 (RFC 3526 group 14, default) or ffdhe2048
  --allow-null             allow NULL-encryption suites (integrity only, TS 33.141 6.2); without
                           --suites, TLS_RSA_WITH_NULL_SHA and _MD5 are added last
  --require-encryption-128 operator policy of TS 33.141 7.2(d): refuse suites under 128 bits
  --echo                   send received application data back (otherwise it goes to stdout)
  --request-cert           ask for a client certificate, continue without one (TS 33.141 6.1.4)
  --require-cert           ask for a client certificate, refuse the handshake without a valid one
  --ca FILE                trust anchors for client certificates (PEM); default Node's root store
  --session-timeout SECS   how long a session may be resumed, 0 to ${MAX_SESSION_TIMEOUT} (TS 33.141 7.1; default ${MAX_SESSION_TIMEOUT})
  --sni NAME:KEY:CERT      a virtual host chosen by server_name (RFC 3546 3.1); repeatable; the
                           plain --key/--cert are the default host
  --unrecognized-name P    a server_name no --sni host matches: ignore, warning (default) or fatal
  --ocsp-response FILE     a DER OCSP response stapled when the client asks (RFC 3546 3.6)
  --truncated-hmac         agree to 80-bit MACs when asked (RFC 3546 3.5; off by default, see
                           docs/extensions.md)
  --renegotiation MODE     refuse (default: a no_renegotiation warning) or secure (RFC 5746)
  --crypto P               auto (default: node:crypto where it has the algorithm), pure (ours
                           everywhere) or native (node:crypto or an error); docs/crypto-providers.md

client   connect to HOST:PORT, copy stdin to the connection and the connection to stdout.
         At the end of stdin sends close_notify and waits for the server to close.
  --suites LIST            cipher suites in preference order (default: the UE profile list)
  --servername NAME        server_name to send and the name to check (default: HOST unless an IP)
  --ca FILE                trust anchors (PEM); default: Node's bundled root certificates
  --insecure               do not refuse a certificate that fails verification
  --cert FILE --key FILE   a client certificate and its key (TS 33.141 6.1.4: a UE usually has none)
  --sess-out FILE          write the session after the handshake (it holds the master secret:
                           keep the file private)
  --sess-in FILE           offer the session in FILE for resumption ("resumed: yes" when taken)
  --max-fragment-length N  ask for records of at most N bytes: 512, 1024, 2048 or 4096 (RFC 3546 3.2)
  --truncated-hmac         ask for 80-bit MACs (RFC 3546 3.5)
  --status-request         ask for a stapled OCSP response (RFC 3546 3.6); its size goes to stderr
  --renegotiation MODE     refuse (default) or secure (RFC 5746: follow the server's HelloRequest)
  --crypto P               auto (default), pure or native, as for the server

replay   replays recorded transcripts byte for byte; non-zero on any divergence
decode   prints the handshake messages and decrypted records of a transcript
record   records transcripts against live peers (gnutls, node:tls)
bench    handshake and record throughput side by side with node:tls, node-forge and GnuTLS
         (the same as npm run bench; needs the dev dependencies of a source checkout)

LIST     comma-separated cipher suites, RFC names (TLS_RSA_WITH_3DES_EDE_CBC_SHA) or OpenSSL names
         (DES-CBC3-SHA), in preference order.
`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  /** Every value given for each option, in order (boolean options: [true]). */
  flags: Map<string, (string | true)[]>;
}

/** --name value / --name=value / boolean --name; booleans are the names listed in `booleans`. */
function parseArgs(argv: string[], booleans: ReadonlySet<string>): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, (string | true)[]>();
  const add = (name: string, value: string | true) => flags.set(name, [...(flags.get(name) ?? []), value]);
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
      add(name, true);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    add(name, value);
  }
  return { positional, flags };
}

/** Refuses unknown options, and a second value for options that are not `repeatable`. */
function onlyKnown(p: Parsed, known: readonly string[], repeatable: readonly string[] = []): void {
  for (const [k, values] of p.flags) {
    if (!known.includes(k)) throw new UsageError(`unknown option --${k}`);
    if (values.length > 1 && !repeatable.includes(k)) throw new UsageError(`--${k} given more than once`);
  }
}

function str(p: Parsed, name: string): string | undefined {
  const v = p.flags.get(name)?.[0];
  return typeof v === 'string' ? v : undefined;
}

function all(p: Parsed, name: string): string[] {
  return (p.flags.get(name) ?? []).filter((v): v is string => typeof v === 'string');
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TLSConfigError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
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

function oneOf<T extends string>(p: Parsed, name: string, allowed: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

/** "code=... alert=... reason=..." for a failure; the alert is named when there is one. */
function describeError(err: unknown): string {
  const e = err as { code?: string; alert?: number; message?: string };
  const alert = typeof e.alert === 'number' ? `${alertName(e.alert)}(${e.alert})` : '-';
  return `code=${e.code ?? 'ERR_UNKNOWN'} alert=${alert} reason=${e.message ?? String(err)}`;
}

// ------------------------------------------------------------------------------------------- server

const SERVER_BOOLEANS = ['echo', 'dhe', 'allow-null', 'require-encryption-128', 'request-cert', 'require-cert', 'truncated-hmac'];
const SERVER_OPTIONS = [
  ...SERVER_BOOLEANS,
  'port', 'key', 'cert', 'host', 'suites', 'dh-group', 'ca', 'session-timeout', 'sni', 'unrecognized-name', 'ocsp-response', 'renegotiation',
  'crypto',
];
const CRYPTO_CHOICES = ['auto', 'pure', 'native'] as const;
const DHE_SUITES = ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'];
const NULL_SUITES = ['TLS_RSA_WITH_NULL_SHA', 'TLS_RSA_WITH_NULL_MD5'];
const DH_GROUPS: Record<string, DhGroup> = { modp2048: MODP_GROUP_14, ffdhe2048: FFDHE2048 };

/** --suites as given, or the AP default list with what --dhe and --allow-null add. */
function serverSuites(p: Parsed): string | string[] | undefined {
  const listed = str(p, 'suites');
  if (listed !== undefined) {
    if (p.flags.has('dhe')) throw new UsageError('--dhe extends the default list; with --suites name the DHE_RSA suites instead');
    return listed;
  }
  if (!p.flags.has('dhe') && !p.flags.has('allow-null')) return undefined;
  return [
    ...(p.flags.has('dhe') ? DHE_SUITES : []),
    ...DEFAULT_SERVER_SUITES.map((s) => s.name),
    ...(p.flags.has('allow-null') ? NULL_SUITES : []),
  ];
}

/** TS 33.141 7.1: a whole number of seconds, at most 24 hours. */
function sessionTimeout(p: Parsed): number | undefined {
  const text = str(p, 'session-timeout');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--session-timeout expects whole seconds, got ${JSON.stringify(text)}`);
  const seconds = Number(text);
  if (seconds > MAX_SESSION_TIMEOUT) {
    throw new UsageError(`--session-timeout ${text}: TS 33.141 7.1 allows at most ${MAX_SESSION_TIMEOUT} seconds (24 hours)`);
  }
  return seconds;
}

/** --sni NAME:KEYFILE:CERTFILE (the name never holds a colon; the certificate path may). */
function virtualHost(spec: string): EngineServerContext {
  const m = /^([^:]+):([^:]+):(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--sni expects NAME:KEYFILE:CERTFILE, got ${JSON.stringify(spec)}`);
  const [, name, keyFile, certFile] = m as unknown as [string, string, string, string];
  return {
    names: [name],
    privateKey: loadPrivateKey(readFile(keyFile, `--sni ${name} key`), `--sni ${name} key`),
    certificateChain: loadCertificates(readFile(certFile, `--sni ${name} cert`), `--sni ${name} cert`),
  };
}

/** " client-cert=..." for the handshake line, when client certificates are asked for. */
function clientCertField(socket: TLSSocket): string {
  if (socket.authorized) return ' client-cert=verified';
  const code = socket.authorizationError;
  if (code === null || code === 'ERR_TLS_CLIENT_CERTIFICATE_ABSENT') return ' client-cert=none';
  return ` client-cert=unverified:${code}`;
}

function runServer(argv: string[]): void {
  const p = parseArgs(argv, new Set(SERVER_BOOLEANS));
  onlyKnown(p, SERVER_OPTIONS, ['sni']);
  if (p.positional.length) throw new UsageError(`unexpected argument ${p.positional[0]}`);
  const portText = str(p, 'port');
  const keyFile = str(p, 'key');
  const certFile = str(p, 'cert');
  if (portText === undefined || !keyFile || !certFile) throw new UsageError('server needs --port, --key and --cert');
  const port = parsePort(portText);
  const host = str(p, 'host') ?? '127.0.0.1';
  const echo = p.flags.has('echo');
  if (p.flags.has('request-cert') && p.flags.has('require-cert')) throw new UsageError('give --request-cert or --require-cert, not both');
  const requestCert = p.flags.has('request-cert') || p.flags.has('require-cert');
  const dhGroupName = oneOf(p, 'dh-group', Object.keys(DH_GROUPS));
  const ocspFile = str(p, 'ocsp-response');
  const caFile = str(p, 'ca');
  const contexts = all(p, 'sni').map(virtualHost);
  const server = createServer({
    crypto: oneOf(p, 'crypto', CRYPTO_CHOICES),
    key: readFile(keyFile, '--key'),
    cert: readFile(certFile, '--cert'),
    cipherSuites: serverSuites(p),
    requestCert,
    // --request-cert: TS 33.141 6.1.4 operator policy "continue and authenticate the UE with GBA".
    rejectUnauthorized: p.flags.has('require-cert'),
    ca: caFile ? readFile(caFile, '--ca') : undefined,
    sessionTimeout: sessionTimeout(p),
    contexts: contexts.length > 0 ? contexts : undefined,
    unrecognizedName: oneOf(p, 'unrecognized-name', ['ignore', 'warning', 'fatal'] as const),
    ocspResponse: ocspFile ? readBytes(ocspFile, '--ocsp-response') : undefined,
    renegotiation: oneOf(p, 'renegotiation', ['refuse', 'secure'] as const),
    requireEncryption128: p.flags.has('require-encryption-128') || undefined,
    allowNullEncryption: p.flags.has('allow-null') || undefined,
    truncatedHmac: p.flags.has('truncated-hmac') || undefined,
    dhGroup: dhGroupName ? DH_GROUPS[dhGroupName] : undefined,
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    const suite = socket.getCipher()?.standardName ?? '-';
    const cert = requestCert ? clientCertField(socket) : '';
    process.stderr.write(`handshake suite=${suite} resumed=${socket.isSessionReused() ? 'yes' : 'no'} servername=${socket.servername ?? '-'}${cert}\n`);
    socket.on('renegotiated', () => {
      process.stderr.write(`renegotiated suite=${socket.getCipher()?.standardName ?? '-'} servername=${socket.servername ?? '-'}\n`);
    });
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

// ------------------------------------------------------------------------------------------- client

const CLIENT_BOOLEANS = ['insecure', 'truncated-hmac', 'status-request'];
const CLIENT_OPTIONS = [...CLIENT_BOOLEANS, 'suites', 'servername', 'ca', 'cert', 'key', 'sess-out', 'sess-in', 'max-fragment-length', 'renegotiation', 'crypto'];

function maxFragmentLength(p: Parsed): 512 | 1024 | 2048 | 4096 | undefined {
  const text = str(p, 'max-fragment-length');
  if (text === undefined) return undefined;
  const n = Number(text);
  if (n !== 512 && n !== 1024 && n !== 2048 && n !== 4096) {
    throw new UsageError(`--max-fragment-length must be 512, 1024, 2048 or 4096 (RFC 3546 3.2), got ${JSON.stringify(text)}`);
  }
  return n;
}

function runClient(argv: string[]): void {
  const p = parseArgs(argv, new Set(CLIENT_BOOLEANS));
  onlyKnown(p, CLIENT_OPTIONS);
  if (p.positional.length !== 1) throw new UsageError('client needs exactly one HOST:PORT');
  const { host, port } = parseHostPort(p.positional[0]!);
  const caFile = str(p, 'ca');
  const certFile = str(p, 'cert');
  const keyFile = str(p, 'key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together');
  const sessIn = str(p, 'sess-in');
  const sessOut = str(p, 'sess-out');
  const mfl = maxFragmentLength(p);
  const truncatedHmac = p.flags.has('truncated-hmac');
  const statusRequest = p.flags.has('status-request');
  const socket = connect({
    crypto: oneOf(p, 'crypto', CRYPTO_CHOICES),
    host,
    port,
    servername: str(p, 'servername'),
    ca: caFile ? readFile(caFile, '--ca') : undefined,
    rejectUnauthorized: !p.flags.has('insecure'),
    cipherSuites: str(p, 'suites'),
    cert: certFile ? readFile(certFile, '--cert') : undefined,
    key: keyFile ? readFile(keyFile, '--key') : undefined,
    session: sessIn ? readBytes(sessIn, '--sess-in') : undefined,
    maxFragmentLength: mfl,
    truncatedHmac: truncatedHmac || undefined,
    requestOCSP: statusRequest || undefined,
    renegotiation: oneOf(p, 'renegotiation', ['refuse', 'secure'] as const),
  });
  let exitCode = 0;
  let secure = false;
  let sessionWritten = false;
  const writeSession = (session: SessionData | undefined) => {
    if (!sessOut || !session || sessionWritten) return;
    writeFileSync(sessOut, encodeSession(session), { mode: 0o600 });
    sessionWritten = true;
  };
  // A full handshake announces its session with 'session' (right after the Finished exchange).
  socket.on('session', (session: SessionData) => writeSession(session));
  socket.once('secureConnect', () => {
    secure = true;
    const suite = socket.getCipher()?.standardName ?? '-';
    const verify = socket.authorized ? '' : ` (certificate not verified: ${socket.authorizationError ?? 'unknown'})`;
    process.stderr.write(`protocol ${socket.getProtocol()} suite ${suite} resumed: ${socket.isSessionReused() ? 'yes' : 'no'}${verify}\n`);
    const session = socket.getSession();
    if (mfl !== undefined) process.stderr.write(`max-fragment-length: ${session?.maxFragmentLength ?? 'not agreed'}\n`);
    if (truncatedHmac) process.stderr.write(`truncated-hmac: ${session?.truncatedHmac ? 'yes' : 'no'}\n`);
    if (statusRequest) {
      const ocsp = socket.getOCSPResponse();
      process.stderr.write(`ocsp-response: ${ocsp ? `${ocsp.length} bytes` : 'none'}\n`);
    }
    // A resumed session is the same session: write it again so --sess-out always names a usable file.
    if (socket.isSessionReused()) writeSession(session);
    process.stdin.pipe(socket); // ends the socket (close_notify) at the end of stdin
  });
  socket.on('data', (d: Buffer) => process.stdout.write(d));
  socket.on('error', (err) => {
    exitCode = 1;
    process.stderr.write(`${secure ? 'connection' : 'handshake'} failed ${describeError(err)}\n`);
  });
  socket.on('close', () => {
    if (secure && sessOut && !sessionWritten) process.stderr.write('session: none to write (the server gave no session id)\n');
    // stdin may still be open (the server closed first): flush stdout and leave.
    process.stdout.write('', () => process.exit(exitCode));
  });
}

// ------------------------------------------------------------------------------------------- main

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

/** The benchmark suite is not part of the library: run dist/bench/run.js beside it when present. */
function runBench(args: string[]): void {
  const script = fileURLToPath(new URL('../bench/run.js', import.meta.url));
  if (!existsSync(script)) throw new TLSConfigError('the benchmarks are not in this install: run `npm run bench` in a source checkout');
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
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
    if (cmd === 'bench') return runBench(rest);
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
