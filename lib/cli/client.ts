/**
 * `ut-tls client`: a TLS 1.0 client (UE) on the command line. Output contract (docs/cli.md):
 *   stderr: "protocol TLSv1 suite <RFC name> resumed: yes|no" after each handshake (then one line per
 *   extension flag given: "max-fragment-length: ...", "truncated-hmac: ...", "ocsp-response: ...");
 *   stdout: what the server sent. stdin is copied to the connection (like `openssl s_client -quiet`).
 */
import { writeFileSync } from 'node:fs';
import type { SessionData } from '../engine/types.js';
import { encodeSession } from '../session/codec.js';
import { connect } from '../socket/connect.js';
import { choiceOption, formatHelp, parseCommand, UsageError, type CommandSpec, type ParsedCommand } from './args.js';
import { CRYPTO_CHOICES, describeError, parseHostPort, readBytes, readFile } from './common.js';

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
    { name: 'status-request', kind: 'flag', help: 'ask for a stapled OCSP response (RFC 3546 3.6); its size goes to stderr' },
    { name: 'renegotiation', kind: 'value', metavar: 'MODE', help: "refuse (default) or secure (RFC 5746: follow the server's HelloRequest)" },
    { name: 'crypto', kind: 'value', metavar: 'P', help: 'auto (default), pure or native, as for the server' },
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

export function runClient(argv: string[]): void {
  const p = parseCommand(CLIENT_SPEC, argv);
  if (p.help) {
    process.stdout.write(formatHelp(CLIENT_SPEC));
    return;
  }
  const { host, port } = parseHostPort(p.positionals[0]!, 'client');
  const caFile = p.value('ca');
  const certFile = p.value('cert');
  const keyFile = p.value('key');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--cert and --key go together', 'client');
  const sessIn = p.value('sess-in');
  const sessOut = p.value('sess-out');
  const mfl = maxFragmentLength(p);
  const truncatedHmac = p.has('truncated-hmac');
  const statusRequest = p.has('status-request');
  const socket = connect({
    crypto: choiceOption(p, 'crypto', CRYPTO_CHOICES, 'client'),
    host,
    port,
    servername: p.value('servername'),
    ca: caFile ? readFile(caFile, '--ca') : undefined,
    rejectUnauthorized: !p.has('insecure'),
    cipherSuites: p.value('suites'),
    cert: certFile ? readFile(certFile, '--cert') : undefined,
    key: keyFile ? readFile(keyFile, '--key') : undefined,
    session: sessIn ? readBytes(sessIn, '--sess-in') : undefined,
    maxFragmentLength: mfl,
    truncatedHmac: truncatedHmac || undefined,
    requestOCSP: statusRequest || undefined,
    renegotiation: choiceOption(p, 'renegotiation', ['refuse', 'secure'] as const, 'client'),
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
