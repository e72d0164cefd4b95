/**
 * `ut-tls server --http`: an HTTP/1.0 responder, as `gnutls-serv --http` and `openssl s_server -www`:
 * each connection's request is answered with a small HTML page naming what was negotiated (version,
 * suite, server name, resumption, client certificate) and the request line, then the connection is
 * closed (close_notify). For testing a UE's HTTP (XCAP) stack over TLS 1.0 without a web server.
 *
 * Bounded: a request head over MAX_HEAD bytes gets 431 and the connection closes; one that does not
 * arrive within HEAD_TIMEOUT_MS is dropped.
 */
import type { TLSSocket } from '../socket/tls-socket.js';
import { parseCertificate } from '../x509/certificate.js';

const MAX_HEAD = 16 * 1024;
const HEAD_TIMEOUT_MS = 30_000;

export interface ConnectionFacts {
  version: string;
  suite: string;
  /** OpenSSL's name of the suite, when it has one. */
  opensslName: string;
  servername: string | null;
  resumed: boolean;
  /** "none", "verified: <subject>", "unverified (<code>): <subject>". */
  clientCertificate: string;
  peer: string;
}

export function connectionFacts(socket: TLSSocket, peer: string): ConnectionFacts {
  const cipher = socket.getCipher();
  const chain = socket.getSession()?.peerCertificates ?? [];
  let clientCertificate = 'none';
  if (chain.length > 0) {
    let subject: string;
    try {
      subject = parseCertificate(chain[0]!).subject.text.replace(/\n/g, ', ');
    } catch {
      subject = '(does not parse)';
    }
    clientCertificate = socket.authorized ? `verified: ${subject}` : `unverified (${socket.authorizationError ?? 'unknown'}): ${subject}`;
  }
  return {
    version: socket.getProtocol() ?? '-',
    suite: cipher?.standardName ?? '-',
    opensslName: cipher?.name ?? '-',
    servername: socket.servername ?? null,
    resumed: socket.isSessionReused(),
    clientCertificate,
    peer,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The page (HTML; one fact per table row, so a script can also grep it). */
export function httpPage(facts: ConnectionFacts, requestLine: string): string {
  const rows: [string, string][] = [
    ['Protocol version', facts.version],
    ['Cipher suite', `${facts.suite} (${facts.opensslName})`],
    ['Server name (SNI)', facts.servername ?? '(none sent)'],
    ['Session resumed', facts.resumed ? 'yes' : 'no'],
    ['Client certificate', facts.clientCertificate],
    ['Client address', facts.peer],
    ['Request line', requestLine],
  ];
  return (
    '<!DOCTYPE html>\n<html><head><title>ut-tls</title></head><body>\n<h1>ut-tls TLS 1.0 server</h1>\n<table>\n' +
    rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>\n`).join('') +
    '</table>\n</body></html>\n'
  );
}

function response(status: string, body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  const head = `HTTP/1.0 ${status}\r\nServer: ut-tls\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), bytes]);
}

/**
 * Answers the request on `socket` and ends it. `log` gets "<request line> -> <status>" (or why the
 * request was dropped).
 */
export function serveHttp(socket: TLSSocket, facts: ConnectionFacts, log: (text: string) => void): void {
  let head = Buffer.alloc(0);
  let done = false;
  const timer = setTimeout(() => finish(null, 'no request within 30 s: dropped'), HEAD_TIMEOUT_MS);
  // closeNotify: the client closed first; answer its close_notify with ours (RFC 2246 7.2.1) instead of dropping.
  const finish = (answer: Buffer | null, line: string, closeNotify = false) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    socket.off('data', onData);
    log(line);
    if (answer) socket.end(answer);
    else if (closeNotify) socket.end();
    else socket.destroy();
  };
  const onData = (chunk: Buffer) => {
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    const bareEnd = end < 0 ? head.indexOf('\n\n') : -1;
    if (end < 0 && bareEnd < 0) {
      if (head.length > MAX_HEAD) finish(response('431 Request Header Fields Too Large', '<p>request head too large</p>\n'), `request head over ${MAX_HEAD} bytes -> 431`);
      return;
    }
    const requestLine = head.subarray(0, head.indexOf('\n')).toString('latin1').replace(/\r$/, '');
    if (!/^[A-Z]+ \S+ HTTP\/\d\.\d$/.test(requestLine)) {
      finish(response('400 Bad Request', '<p>bad request line</p>\n'), `${JSON.stringify(requestLine)} -> 400`);
      return;
    }
    finish(response('200 OK', httpPage(facts, requestLine)), `"${requestLine}" -> 200`);
  };
  socket.on('data', onData);
  socket.on('end', () => finish(null, 'connection ended before a whole request', true));
}
