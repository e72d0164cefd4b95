/**
 * `ut-tls server`: a TLS 1.0 server (AP) on the command line. Output contract (docs/cli.md):
 *   stdout: exactly one line "listening on HOST:PORT" (then, without --echo/--http, the received data);
 *   stderr: one line per event, a keyword, then the peer's address as "peer=IP:PORT", then fields:
 *     "handshake peer=... suite=<RFC name> resumed=yes|no servername=<name|->[ client-cert=...]",
 *     "refused peer=... code=<code> alert=<name|-> reason=<message>",
 *     "renegotiated peer=... suite=... servername=...", "connection error peer=... code=...",
 *     "dropped peer=... reason=...", (--http) "http peer=... \"<request line>\" -> 200",
 *     (--trace) "trace peer=... <record or message>"; and "stopping ..." / "stopped ..." on a signal.
 */
import type { AddressInfo, Socket } from 'node:net';
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, MODP_GROUP_14, type DhGroup } from '../crypto/dh.js';
import type { ServerContext as EngineServerContext } from '../engine/types.js';
import { DEFAULT_SERVER_SUITES, DHE_SERVER_SUITES, NULL_ENCRYPTION_SUITES } from '../policy/suite-selection.js';
import { loadCertificates, loadPrivateKey, MAX_SESSION_TIMEOUT } from '../socket/options.js';
import { createServer } from '../socket/server.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import { connectionFacts, serveHttp } from './http-responder.js';
import { choiceOption, formatHelp, intOption, parseCommand, suitesOption, UsageError, type CommandSpec, type ParsedCommand } from './args.js';
import { CRYPTO_CHOICES, describeError, onStopSignals, parsePort, readBytes, readFile } from './common.js';
import { PSK_SERVER_OPTIONS, serverPsk } from './psk.js';

export const SERVER_SPEC: CommandSpec = {
  name: 'server',
  synopsis: 'ut-tls server --port PORT --key FILE --cert FILE [options]',
  description: `Accepts TLS 1.0 connections on HOST:PORT (default host 127.0.0.1; port 0 picks one).
Prints "listening on HOST:PORT" on stdout once accepting, one line per handshake on stderr.`,
  positionals: { min: 0, max: 0, name: 'argument' },
  options: [
    { name: 'port', kind: 'value', metavar: 'PORT', help: 'port to listen on (0: any free port)' },
    { name: 'key', kind: 'value', metavar: 'FILE', help: 'the private key (PEM)' },
    { name: 'cert', kind: 'value', metavar: 'FILE', help: 'the certificate chain (PEM), leaf first' },
    { name: 'host', kind: 'value', metavar: 'HOST', help: 'address to listen on (default 127.0.0.1)' },
    { name: 'suites', kind: 'value', metavar: 'LIST', help: 'cipher suites in preference order (default: the AP profile list)' },
    { name: 'dhe', kind: 'flag', help: 'put the DHE_RSA suites (AES-256, AES-128, 3DES) first in the default list' },
    {
      name: 'dh-group',
      kind: 'value',
      metavar: 'NAME',
      help: 'the DHE group for clients that list no RFC 7919 group: modp2048 (RFC 3526\ngroup 14, default), ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144 or ffdhe8192;\nan ffdhe group is also preferred first for clients that list it (others get\nffdhe2048, 3072, 4096, 6144, 8192 in that order)',
    },
    { name: 'allow-null', kind: 'flag', help: 'allow NULL-encryption suites (integrity only, TS 33.141 6.2); without\n--suites, TLS_RSA_WITH_NULL_SHA and _MD5 are added last' },
    { name: 'require-encryption-128', kind: 'flag', help: 'operator policy of TS 33.141 7.2(d): refuse suites under 128 bits' },
    { name: 'alpn', kind: 'value', metavar: 'LIST', help: 'application protocols to choose from, comma-separated, our preference first\n(RFC 7301; no overlap: no_application_protocol); the handshake line gets\nalpn=<selected>|-' },
    { name: 'echo', kind: 'flag', help: 'send received application data back (otherwise it goes to stdout)' },
    { name: 'request-cert', kind: 'flag', help: 'ask for a client certificate, continue without one (TS 33.141 6.1.4)' },
    { name: 'require-cert', kind: 'flag', help: 'ask for a client certificate, refuse the handshake without a valid one' },
    { name: 'ca', kind: 'value', metavar: 'FILE', help: "trust anchors for client certificates (PEM); default Node's root store" },
    {
      name: 'session-timeout',
      kind: 'value',
      metavar: 'SECS',
      help: `how long a session may be resumed, 0 to ${MAX_SESSION_TIMEOUT} (TS 33.141 7.1; default ${MAX_SESSION_TIMEOUT})`,
    },
    {
      name: 'sni',
      kind: 'value',
      metavar: 'NAME:KEY:CERT',
      repeatable: true,
      help: 'a virtual host chosen by server_name (RFC 3546 3.1); the plain\n--key/--cert are the default host',
    },
    { name: 'unrecognized-name', kind: 'value', metavar: 'P', help: 'a server_name no --sni host matches: ignore, warning (default) or fatal' },
    { name: 'ocsp-response', kind: 'value', metavar: 'FILE', help: 'a DER OCSP response stapled when the client asks (RFC 3546 3.6)' },
    { name: 'truncated-hmac', kind: 'flag', help: 'agree to 80-bit MACs when asked (RFC 3546 3.5; off by default)' },
    { name: 'require-ems', kind: 'flag', help: 'refuse clients without extended master secret (RFC 7627 5.2)' },
    { name: 'no-etm', kind: 'flag', help: 'do not agree to encrypt-then-MAC (RFC 7366)' },
    { name: 'no-tickets', kind: 'flag', help: 'issue and accept no session tickets (RFC 5077); resume by session ID only' },
    { name: 'ticket-keys', kind: 'value', metavar: 'FILE', help: '48 bytes (key name, HMAC key, AES key) that seal tickets; servers given\nthe same file resume each other\'s tickets (default: random, rotated)' },
    { name: 'renegotiation', kind: 'value', metavar: 'MODE', help: 'refuse (default: a no_renegotiation warning) or secure (RFC 5746)' },
    {
      name: 'crypto',
      kind: 'value',
      metavar: 'P',
      help: 'auto (default: node:crypto where it has the algorithm), pure (ours\neverywhere) or native (node:crypto or an error)',
    },
    { name: 'http', kind: 'flag', help: 'answer each request with an HTTP/1.0 page naming the version, suite, SNI\nname, resumption, client certificate and request line (gnutls-serv --http)' },
    { name: 'keylog-file', kind: 'value', metavar: 'FILE', help: 'append each connection\'s NSS key-log line to FILE; anyone who can read\nit can decrypt the traffic (default: $SSLKEYLOGFILE)' },
    { name: 'trace', kind: 'flag', help: 'print every record and handshake message of every connection on stderr\n(secrets never printed)' },
    { name: 'max-connections', kind: 'value', metavar: 'N', help: 'refuse connections beyond N open at once (each logged as "dropped")' },
    { name: 'grace', kind: 'value', metavar: 'MS', help: 'on SIGINT/SIGTERM: stop accepting, let open connections finish for up\nto MS (default 5000), then close them and exit 0' },
    ...PSK_SERVER_OPTIONS,
  ],
  footer: `LIST: comma-separated cipher suites, RFC names (TLS_RSA_WITH_3DES_EDE_CBC_SHA) or OpenSSL
names (DES-CBC3-SHA), in preference order.
examples: ut-tls server --port 4433 --key ap.key --cert ap.pem --echo
          ut-tls server --port 4433 --key ap.key --cert ap.pem --http --trace`,
};

const DH_GROUPS: Record<string, DhGroup> = { modp2048: MODP_GROUP_14, ffdhe2048: FFDHE2048, ffdhe3072: FFDHE3072, ffdhe4096: FFDHE4096, ffdhe6144: FFDHE6144, ffdhe8192: FFDHE8192 };

/** --suites as given, or the AP default list with what --dhe and --allow-null add. */
function serverSuites(p: ParsedCommand): string | string[] | undefined {
  const listed = suitesOption(p, 'server');
  if (listed !== undefined) {
    if (p.has('dhe')) throw new UsageError('--dhe extends the default list; with --suites name the DHE_RSA suites instead', 'server');
    return listed;
  }
  if (!p.has('dhe') && !p.has('allow-null')) return undefined;
  return [...(p.has('dhe') ? DHE_SERVER_SUITES : []), ...DEFAULT_SERVER_SUITES, ...(p.has('allow-null') ? NULL_ENCRYPTION_SUITES : [])].map((s) => s.name);
}

/** TS 33.141 7.1: a whole number of seconds, at most 24 hours. */
function sessionTimeout(p: ParsedCommand): number | undefined {
  const text = p.value('session-timeout');
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--session-timeout expects whole seconds, got ${JSON.stringify(text)}`, 'server');
  const seconds = Number(text);
  if (seconds > MAX_SESSION_TIMEOUT) {
    throw new UsageError(`--session-timeout ${text}: TS 33.141 7.1 allows at most ${MAX_SESSION_TIMEOUT} seconds (24 hours)`, 'server');
  }
  return seconds;
}

/** --sni NAME:KEYFILE:CERTFILE (the name never holds a colon; the certificate path may). */
function virtualHost(spec: string): EngineServerContext {
  const m = /^([^:]+):([^:]+):(.+)$/.exec(spec);
  if (!m) throw new UsageError(`--sni expects NAME:KEYFILE:CERTFILE, got ${JSON.stringify(spec)}`, 'server');
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

export function runServer(argv: string[]): void {
  const p = parseCommand(SERVER_SPEC, argv);
  if (p.help) {
    process.stdout.write(formatHelp(SERVER_SPEC));
    return;
  }
  const portText = p.value('port');
  const keyFile = p.value('key');
  const certFile = p.value('cert');
  const psk = serverPsk(p);
  // RFC 4279: with PSK keys the server may run without a certificate (PSK and DHE_PSK suites only).
  if (portText === undefined || (!psk && (!keyFile || !certFile))) throw new UsageError('server needs --port, --key and --cert (or --psk-file / --psk-identity)', 'server');
  if ((keyFile === undefined) !== (certFile === undefined)) throw new UsageError('--key and --cert go together', 'server');
  const port = parsePort(portText, 'server');
  const host = p.value('host') ?? '127.0.0.1';
  const echo = p.has('echo');
  if (p.has('request-cert') && p.has('require-cert')) throw new UsageError('give --request-cert or --require-cert, not both', 'server');
  const requestCert = p.has('request-cert') || p.has('require-cert');
  const dhGroupName = choiceOption(p, 'dh-group', Object.keys(DH_GROUPS), 'server');
  const ocspFile = p.value('ocsp-response');
  const caFile = p.value('ca');
  const contexts = p.values('sni').map(virtualHost);
  // Every usage check before the files are read, so a bad option is exit 2 whatever --key names.
  const cipherSuites = serverSuites(p);
  const http = p.has('http');
  if (http && echo) throw new UsageError('give --echo or --http, not both', 'server');
  const maxConnections = intOption(p, 'max-connections', 1, 1_000_000, 'server');
  const grace = intOption(p, 'grace', 0, 3_600_000, 'server') ?? 5000;
  const alpn = p.value('alpn')?.split(',').filter((s) => s.length > 0);
  const ticketKeysFile = p.value('ticket-keys');
  if (ticketKeysFile && p.has('no-tickets')) throw new UsageError('give --no-tickets or --ticket-keys, not both', 'server');
  const server = createServer({
    crypto: choiceOption(p, 'crypto', CRYPTO_CHOICES, 'server'),
    key: keyFile ? readFile(keyFile, '--key') : undefined,
    cert: certFile ? readFile(certFile, '--cert') : undefined,
    pskCallback: psk?.pskCallback,
    pskIdentityHint: psk?.pskIdentityHint,
    cipherSuites,
    requestCert,
    // --request-cert: TS 33.141 6.1.4 operator policy "continue and authenticate the UE with GBA".
    rejectUnauthorized: p.has('require-cert'),
    ca: caFile ? readFile(caFile, '--ca') : undefined,
    sessionTimeout: sessionTimeout(p),
    contexts: contexts.length > 0 ? contexts : undefined,
    unrecognizedName: choiceOption(p, 'unrecognized-name', ['ignore', 'warning', 'fatal'] as const, 'server'),
    ocspResponse: ocspFile ? readBytes(ocspFile, '--ocsp-response') : undefined,
    renegotiation: choiceOption(p, 'renegotiation', ['refuse', 'secure'] as const, 'server'),
    requireEncryption128: p.has('require-encryption-128') || undefined,
    allowNullEncryption: p.has('allow-null') || undefined,
    truncatedHmac: p.has('truncated-hmac') || undefined,
    requireExtendedMasterSecret: p.has('require-ems') || undefined,
    encryptThenMac: p.has('no-etm') ? false : undefined,
    noTickets: p.has('no-tickets') || undefined,
    ticketKeys: ticketKeysFile ? readBytes(ticketKeysFile, '--ticket-keys') : undefined,
    dhGroup: dhGroupName ? DH_GROUPS[dhGroupName] : undefined,
    ALPNProtocols: alpn,
    keylogFile: p.value('keylog-file'),
    enableTrace: p.has('trace') ? (line, socket) => log(`trace peer=${peerOf(socket)} ${line}`) : undefined,
  });
  if (maxConnections !== undefined) server.maxConnections = maxConnections;
  server.on('secureConnection', (socket: TLSSocket) => {
    const peer = peerOf(socket);
    const suite = socket.getCipher()?.standardName ?? '-';
    const cert = requestCert ? clientCertField(socket) : '';
    const identity = socket.pskIdentity !== null ? ` psk-identity=${JSON.stringify(socket.pskIdentity)}` : '';
    const alpnField = alpn ? ` alpn=${socket.alpnProtocol || '-'}` : '';
    log(`handshake peer=${peer} suite=${suite} resumed=${socket.isSessionReused() ? 'yes' : 'no'} servername=${socket.servername ?? '-'}${cert}${identity}${alpnField}`);
    socket.on('renegotiated', () => {
      log(`renegotiated peer=${peer} suite=${socket.getCipher()?.standardName ?? '-'} servername=${socket.servername ?? '-'}`);
    });
    socket.on('error', (err) => log(`connection error peer=${peer} ${describeError(err)}`));
    if (http) serveHttp(socket, connectionFacts(socket, peer), (line) => log(`http peer=${peer} ${line}`));
    else if (echo) socket.pipe(socket);
    else socket.on('data', (d: Buffer) => process.stdout.write(d));
  });
  server.on('tlsClientError', (err: unknown, socket?: TLSSocket) => log(`refused peer=${socket ? peerOf(socket) : '-'} ${describeError(err)}`));
  server.on('drop', (data?: { remoteAddress?: string; remotePort?: number }) => {
    log(`dropped peer=${data?.remoteAddress ?? '-'}:${data?.remotePort ?? '-'} reason=--max-connections ${maxConnections} reached`);
  });
  server.on('error', (err) => {
    process.stderr.write(`ut-tls server: ${(err as Error).message}\n`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const addr = server.address() as AddressInfo;
    process.stdout.write(`listening on ${host}:${addr.port}\n`);
  });
  // Every accepted TCP connection, handshaken or not, so that a stop can wait for them; the handshaken
  // ones also as TLS sockets, so that what is left after the grace ends with close_notify.
  const open = new Set<Socket>();
  const secure = new Set<TLSSocket>();
  server.on('connection', (raw: Socket) => {
    open.add(raw);
    raw.once('close', () => open.delete(raw));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    secure.add(socket);
    socket.once('close', () => secure.delete(socket));
  });
  onStopSignals(log, (signal, leave) => {
    log(`stopping signal=${signal} open=${open.size} grace=${grace}ms`);
    server.close();
    let how = 'open=0';
    let done = false;
    const check = () => {
      if (open.size > 0 || done) return;
      done = true;
      clearTimeout(timer);
      leave(how);
    };
    const timer = setTimeout(() => {
      how = `open=0 closed-after-grace=${open.size}`;
      // close_notify (RFC 2246 7.2.1) on each handshaken connection, a plain close on the others;
      // a peer that does not close its side within a second is cut off.
      const handshaken = new Set([...secure].map(peerOf));
      for (const s of secure) s.end();
      for (const raw of open) if (!handshaken.has(peerOf(raw))) raw.destroy();
      setTimeout(() => {
        for (const raw of open) raw.destroy();
      }, 1000).unref();
    }, grace);
    for (const raw of open) raw.once('close', () => setImmediate(check));
    check();
  });
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** "IP:PORT" of the client, as every log line names it. */
function peerOf(socket: { remoteAddress?: string; remotePort?: number }): string {
  return `${socket.remoteAddress ?? '-'}:${socket.remotePort ?? '-'}`;
}
