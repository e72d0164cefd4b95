/**
 * `ut-tls client`: a TLS 1.0 client (UE) on the command line. Output contract (docs/cli.md):
 *   stderr: "protocol TLSv1 suite <RFC name> resumed: yes|no" after each handshake (then one line per
 *   extension flag given: "max-fragment-length: ...", "truncated-hmac: ...", "ocsp-response: ...", "alpn: ...",
 *   "ems: yes|no etm: yes|no ticket: yes|no" (--require-ems, --no-etm, --tickets, --no-tickets);
 *   --show-certs: the chain and "verify: ok|failed code=..."; --trace: the records; --wait-close:
 *   "close: ..."); stdout: what the server sent. stdin is copied to the connection.
 *
 * --ign-eof is off by default, deliberately unlike `s_client -quiet`: `printf x | ut-tls client`
 * against an echo or interactive server must still end; an HTTP request to a server that answers
 * after a delay needs --ign-eof (our close_notify would otherwise cancel the request).
 */
import { writeFileSync } from 'node:fs';
import type { SessionData } from '../engine/types.js';
import { encodeSession } from '../session/codec.js';
import { connect, type ConnectOptions } from '../socket/connect.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import { choiceOption, formatHelp, intOption, parseCommand, suitesOption, UsageError, type CommandSpec, type ParsedCommand } from './args.js';
import { CRYPTO_CHOICES, describeError, parseHostPort, readBytes, readFile } from './common.js';
import { showCertificates, verifyLine } from './show-certs.js';
import { clientPsk, PSK_CLIENT_OPTIONS } from './psk.js';

export const CLIENT_SPEC: CommandSpec = {
  name: 'client',
  synopsis: 'ut-tls client HOST:PORT [options]',
  description: `Connects to HOST:PORT, copies stdin to the connection and the connection to stdout.
At the end of stdin sends close_notify and waits for the server to close.`,
  positionals: { min: 1, max: 1, name: 'HOST:PORT' },
  options: [
    { name: 'suites', kind: 'value', metavar: 'LIST', help: 'cipher suites in preference order (default: the UE profile list)' },
    { name: 'servername', kind: 'value', metavar: 'NAME', help: 'server_name to send and the name to check (default: HOST unless an IP)' },
    { name: 'ca', kind: 'value', metavar: 'FILE', help: "trust anchors (PEM); default: Node's bundled root certificates" },
    { name: 'insecure', kind: 'flag', help: 'do not refuse a certificate that fails verification' },
    { name: 'cert', kind: 'value', metavar: 'FILE', help: 'a client certificate (with --key; TS 33.141 6.1.4: a UE usually has none)' },
    { name: 'key', kind: 'value', metavar: 'FILE', help: "the client certificate's private key (PEM)" },
    { name: 'sess-out', kind: 'value', metavar: 'FILE', help: 'write the session after the handshake (it holds the master secret:\nkeep the file private)' },
    { name: 'sess-in', kind: 'value', metavar: 'FILE', help: 'offer the session in FILE for resumption ("resumed: yes" when taken)' },
    { name: 'max-fragment-length', kind: 'value', metavar: 'N', help: 'ask for records of at most N bytes: 512, 1024, 2048 or 4096 (RFC 3546 3.2)' },
    { name: 'truncated-hmac', kind: 'flag', help: 'ask for 80-bit MACs (RFC 3546 3.5)' },
    { name: 'alpn', kind: 'value', metavar: 'LIST', help: 'offer these application protocols, comma-separated, e.g. h2,http/1.1\n(RFC 7301); prints "alpn: <selected>|none"' },
    { name: 'require-ems', kind: 'flag', help: 'refuse a server without extended master secret (RFC 7627 5.2)' },
    { name: 'no-etm', kind: 'flag', help: 'do not offer encrypt-then-MAC (RFC 7366)' },
    { name: 'tickets', kind: 'flag', help: 'ask for a session ticket (RFC 5077; node:tls and Go servers resume only\nfrom tickets); a --sess-in session that holds one offers it back anyway' },
    { name: 'no-tickets', kind: 'flag', help: 'neither ask for a ticket nor offer the one a --sess-in session holds\n(it resumes by session ID only)' },
    { name: 'status-request', kind: 'flag', help: 'ask for a stapled OCSP response (RFC 3546 3.6); its size goes to stderr' },
    { name: 'renegotiation', kind: 'value', metavar: 'MODE', help: "refuse (default) or secure (RFC 5746: follow the server's HelloRequest)" },
    { name: 'crypto', kind: 'value', metavar: 'P', help: 'auto (default), pure or native, as for the server' },
    { name: 'show-certs', kind: 'flag', help: "print the server's chain (subject, issuer, validity, SANs, SHA-256) and\nthe verify result; an untrusted chain needs --insecure to be shown" },
    { name: 'keylog-file', kind: 'value', metavar: 'FILE', help: 'append the NSS key-log line (CLIENT_RANDOM ...) to FILE; anyone who can\nread it can decrypt the traffic (default: $SSLKEYLOGFILE)' },
    { name: 'trace', kind: 'flag', help: 'print every record and handshake message, both directions, on stderr\n(decrypted with our own keys; secrets never printed)' },
    { name: 'ign-eof', kind: 'flag', help: 'at the end of stdin send nothing: stay connected until the server closes\n(for servers that answer after a delay; off by default)' },
    { name: 'wait-close', kind: 'flag', help: "at the end of stdin send close_notify and require the server's close_notify\nin answer: prints \"close: close_notify received\" (exit 0) or\n\"close: no close_notify\" (exit 1)" },
    { name: 'connect-timeout', kind: 'value', metavar: 'MS', help: 'give up when TCP does not connect within MS (default 10000)' },
    { name: 'handshake-timeout', kind: 'value', metavar: 'MS', help: 'give up when the handshake does not finish within MS of the start\n(default 30000)' },
    { name: 'reconnect', kind: 'value', metavar: 'N', help: 'after the first handshake, N more connections resuming its session, each\nprinting its "protocol ... resumed: yes|no" line; stdin goes to the last' },
    ...PSK_CLIENT_OPTIONS,
  ],
  footer: `LIST: comma-separated cipher suites, RFC names or OpenSSL names, in preference order.
example: printf 'GET / HTTP/1.0\\r\\n\\r\\n' | ut-tls client xcap.example.org:443 --ca ca.pem`,
};

function maxFragmentLength(p: ParsedCommand): 512 | 1024 | 2048 | 4096 | undefined {
  const text = p.value('max-fragment-length');
  if (text === undefined) return undefined;
  const n = Number(text);
  if (n !== 512 && n !== 1024 && n !== 2048 && n !== 4096) {
    throw new UsageError(`--max-fragment-length must be 512, 1024, 2048 or 4096 (RFC 3546 3.2), got ${JSON.stringify(text)}`, 'client');
  }
  return n;
}

const DEFAULT_CONNECT_TIMEOUT = 10_000;
const DEFAULT_HANDSHAKE_TIMEOUT = 30_000;

/** Everything one connection needs; runClient makes one per --reconnect round. */
interface ClientPlan {
  host: string;
  port: number;
  options: ConnectOptions;
  mfl: number | undefined;
  truncatedHmac: boolean;
  /** --require-ems, --no-etm, --tickets or --no-tickets given: report what was agreed. */
  emsEtm: boolean;
  statusRequest: boolean;
  alpn: boolean;
  showCerts: boolean;
  trace: boolean;
  ignEof: boolean;
  waitClose: boolean;
  connectTimeout: number;
  sessOut: string | undefined;
  /** RFC 4279: the hints the server sent (one per handshake), for the "psk:" line. */
  pskHints: (string | null)[] | undefined;
  pskIdentity: string | undefined;
}

function planFrom(p: ParsedCommand): ClientPlan {
  const { host, port } = parseHostPort(p.positionals[0]!, 'client');
  const caFile = p.value('ca');
  const certFile = p.value('cert');
  const keyFile = p.value('key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together', 'client');
  if (p.has('ign-eof') && p.has('wait-close')) throw new UsageError('give --ign-eof or --wait-close, not both', 'client');
  if (p.has('tickets') && p.has('no-tickets')) throw new UsageError('give --tickets or --no-tickets, not both', 'client');
  const sessIn = p.value('sess-in');
  const mfl = maxFragmentLength(p);
  const truncatedHmac = p.has('truncated-hmac');
  const statusRequest = p.has('status-request');
  const alpn = p.value('alpn')?.split(',').filter((s) => s.length > 0);
  const connectTimeout = intOption(p, 'connect-timeout', 1, 3_600_000, 'client') ?? DEFAULT_CONNECT_TIMEOUT;
  const handshakeTimeout = intOption(p, 'handshake-timeout', 1, 3_600_000, 'client') ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const psk = clientPsk(p);
  return {
    host,
    port,
    options: {
      crypto: choiceOption(p, 'crypto', CRYPTO_CHOICES, 'client'),
      host,
      port,
      servername: p.value('servername'),
      ca: caFile ? readFile(caFile, '--ca') : undefined,
      rejectUnauthorized: !p.has('insecure'),
      cipherSuites: suitesOption(p, 'client'),
      cert: certFile ? readFile(certFile, '--cert') : undefined,
      key: keyFile ? readFile(keyFile, '--key') : undefined,
      session: sessIn ? readBytes(sessIn, '--sess-in') : undefined,
      maxFragmentLength: mfl,
      truncatedHmac: truncatedHmac || undefined,
      requireExtendedMasterSecret: p.has('require-ems') || undefined,
      encryptThenMac: p.has('no-etm') ? false : undefined,
      sessionTickets: p.has('no-tickets') ? false : p.has('tickets') || undefined,
      requestOCSP: statusRequest || undefined,
      ALPNProtocols: alpn,
      renegotiation: choiceOption(p, 'renegotiation', ['refuse', 'secure'] as const, 'client'),
      keylogFile: p.value('keylog-file'),
      handshakeTimeout,
      pskCallback: psk?.pskCallback,
    },
    pskHints: psk?.hints,
    pskIdentity: psk?.identity,
    mfl,
    truncatedHmac,
    emsEtm: p.has('require-ems') || p.has('no-etm') || p.has('tickets') || p.has('no-tickets'),
    statusRequest,
    alpn: alpn !== undefined,
    showCerts: p.has('show-certs'),
    trace: p.has('trace'),
    ignEof: p.has('ign-eof'),
    waitClose: p.has('wait-close'),
    connectTimeout,
    sessOut: p.value('sess-out'),
  };
}

const err = (text: string) => process.stderr.write(text);

/** The lines printed after each handshake. */
function reportHandshake(socket: TLSSocket, plan: ClientPlan): void {
  const suite = socket.getCipher()?.standardName ?? '-';
  const verify = socket.authorized ? '' : ` (certificate not verified: ${socket.authorizationError ?? 'unknown'})`;
  err(`protocol ${socket.getProtocol()} suite ${suite} resumed: ${socket.isSessionReused() ? 'yes' : 'no'}${verify}\n`);
  const session = socket.getSession();
  // As truncated-hmac: the line only when one of its flags was given (the one-line report stays as it was).
  if (plan.emsEtm) {
    const yes = (v: unknown) => (v ? 'yes' : 'no');
    err(`ems: ${yes(session?.extendedMasterSecret)} etm: ${yes(session?.encryptThenMac)} ticket: ${yes(session?.ticket)}\n`);
  }
  if (plan.mfl !== undefined) err(`max-fragment-length: ${session?.maxFragmentLength ?? 'not agreed'}\n`);
  if (plan.truncatedHmac) err(`truncated-hmac: ${session?.truncatedHmac ? 'yes' : 'no'}\n`);
  if (plan.alpn) err(`alpn: ${socket.alpnProtocol || 'none'}\n`);
  if (plan.statusRequest) {
    const ocsp = socket.getOCSPResponse();
    err(`ocsp-response: ${ocsp ? `${ocsp.length} bytes` : 'none'}\n`);
  }
  if (plan.showCerts) err(showCertificates(socket));
  // RFC 4279: the hint the server sent (none: no ServerKeyExchange or an empty hint); only for PSK suites.
  if (plan.pskHints && plan.pskHints.length > 0) {
    const hint = plan.pskHints[plan.pskHints.length - 1];
    err(`psk: identity ${JSON.stringify(plan.pskIdentity)} hint ${hint === null || hint === undefined ? 'none' : JSON.stringify(hint)}\n`);
    plan.pskHints.length = 0;
  }
}

interface Outcome {
  ok: boolean;
  session: SessionData | undefined;
}

/**
 * One connection. `interactive`: stdin goes to it and the server's data to stdout; otherwise it
 * closes (close_notify) right after the handshake (the first rounds of --reconnect).
 */
function runConnection(plan: ClientPlan, session: SessionData | Uint8Array | undefined, interactive: boolean): Promise<Outcome> {
  return new Promise((resolve) => {
    let socket: TLSSocket;
    try {
      socket = connect({ ...plan.options, session });
    } catch (e) {
      err(`ut-tls: ${describeError(e)}\n`);
      process.exit(1);
    }
    if (plan.trace) socket.enableTrace((line) => err(`trace ${line}\n`));
    let ok = true;
    let secure = false;
    let latest: SessionData | undefined;
    let sessionWritten = false;
    const connectTimer = setTimeout(() => {
      const e = Object.assign(new Error(`TCP connection to ${plan.host}:${plan.port} not made within ${plan.connectTimeout} ms`), { code: 'ETIMEDOUT' });
      socket.destroy(e);
    }, plan.connectTimeout);
    socket.once('connect', () => clearTimeout(connectTimer));
    const writeSession = (s: SessionData | undefined) => {
      if (!plan.sessOut || !s || sessionWritten || !interactive) return;
      writeFileSync(plan.sessOut, encodeSession(s), { mode: 0o600 });
      sessionWritten = true;
    };
    // A full handshake announces its session with 'session' (right after the Finished exchange).
    socket.on('session', (s: SessionData) => {
      latest = s;
      writeSession(s);
    });
    socket.once('secureConnect', () => {
      secure = true;
      clearTimeout(connectTimer);
      reportHandshake(socket, plan);
      latest = socket.getSession() ?? latest;
      // A resumed session is the same session: write it again so --sess-out always names a usable file.
      if (socket.isSessionReused()) writeSession(latest);
      if (!interactive) {
        socket.end();
        socket.resume();
        return;
      }
      // Without --ign-eof the end of stdin ends the socket (close_notify); with it, only the server ends it.
      process.stdin.pipe(socket, { end: !plan.ignEof });
    });
    socket.on('data', (d: Buffer) => {
      if (interactive) process.stdout.write(d);
    });
    socket.on('error', (e) => {
      ok = false;
      clearTimeout(connectTimer);
      const code = (e as { code?: string }).code;
      if (!secure && plan.showCerts && code && /CERT|VERIFY|SIGNATURE|ISSUER/.test(code)) err(`${verifyLine(false, code)}\n`);
      err(`${secure ? 'connection' : 'handshake'} failed ${describeError(e)}\n`);
    });
    socket.on('close', () => {
      clearTimeout(connectTimer);
      if (interactive && secure && plan.sessOut && !sessionWritten) err('session: none to write (the server gave no session id)\n');
      if (interactive && secure && plan.waitClose) {
        err(`close: ${socket.closeNotifyReceived ? 'close_notify received' : 'no close_notify (the server closed the connection without one)'}\n`);
        if (!socket.closeNotifyReceived) ok = false;
      }
      resolve({ ok, session: latest });
    });
  });
}

export function runClient(argv: string[]): void {
  const p = parseCommand(CLIENT_SPEC, argv);
  if (p.help) {
    process.stdout.write(formatHelp(CLIENT_SPEC));
    return;
  }
  const plan = planFrom(p);
  const reconnect = intOption(p, 'reconnect', 0, 1000, 'client') ?? 0;
  void (async () => {
    let ok = true;
    let session: SessionData | Uint8Array | undefined = plan.options.session;
    for (let round = 0; round <= reconnect; round++) {
      const outcome = await runConnection(plan, session, round === reconnect);
      ok &&= outcome.ok;
      if (!outcome.ok && round < reconnect) break;
      session = outcome.session ?? session;
    }
    // stdin may still be open (the server closed first): flush stdout and leave.
    process.stdout.write('', () => process.exit(ok ? 0 : 1));
  })();
}
