/**
 * `npm run demo`: a UE (connect) and an AP (createServer) on 127.0.0.1, with a test CA and server
 * certificate made on the fly, a full handshake with TLS_RSA_WITH_3DES_EDE_CBC_SHA (the suite
 * TS 33.141 6.2 makes mandatory for both), an XCAP-like request and response, and a summary.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { connect, createServer, type TLSSocket } from '../lib/index.js';
import { createTestPki } from '../test/helpers/testca.js';

const SUITE = 'TLS_RSA_WITH_3DES_EDE_CBC_SHA';

const XCAP_DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<presence-rules xmlns="urn:ietf:params:xml:ns:pres-rules" xmlns:cr="urn:ietf:params:xml:ns:common-policy">
  <cr:rule id="allow-friends">
    <cr:conditions><cr:identity><cr:one id="sip:alice@ims.example.com"/></cr:identity></cr:conditions>
    <cr:actions><sub-handling>allow</sub-handling></cr:actions>
  </cr:rule>
</presence-rules>
`;

function request(host: string): string {
  return [
    'GET /pres-rules/users/sip:bob@ims.example.com/index HTTP/1.1',
    `Host: ${host}`,
    'X-3GPP-Intended-Identity: "sip:bob@ims.example.com"',
    'Accept: application/auth-policy+xml',
    'Connection: close',
    '',
    '',
  ].join('\r\n');
}

function response(): string {
  const body = Buffer.from(XCAP_DOCUMENT);
  return (
    ['HTTP/1.1 200 OK', 'Content-Type: application/auth-policy+xml', `Content-Length: ${body.length}`, 'ETag: "demo-1"', 'Connection: close', '', ''].join(
      '\r\n',
    ) + XCAP_DOCUMENT
  );
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const pki = await createTestPki({ names: ['localhost', '127.0.0.1'], organization: 'ut-tls demo' });
  const pkiMs = performance.now() - t0;

  // The AP: reads one request (up to the blank line), answers with the document, closes.
  let apBytesIn = 0;
  const server = createServer({ key: pki.server.keyPem, cert: pki.chainPem, cipherSuites: [SUITE] }, (socket: TLSSocket) => {
    let buffered = '';
    socket.on('data', (d: Buffer) => {
      apBytesIn += d.length;
      buffered += d.toString('latin1');
      if (buffered.includes('\r\n\r\n')) socket.end(response());
    });
    socket.on('error', (err) => console.error('AP connection error:', err.message));
  });
  server.on('tlsClientError', (err) => console.error('AP refused a handshake:', (err as Error).message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  // The UE.
  const start = performance.now();
  const ue = connect({ host: 'localhost', port, ca: pki.caPem, cipherSuites: [SUITE] });
  await once(ue, 'secureConnect');
  const handshakeMs = performance.now() - start;
  const req = request(`localhost:${port}`);
  const chunks: Buffer[] = [];
  ue.on('data', (d: Buffer) => chunks.push(d));
  const ended = new Promise<void>((resolve, reject) => {
    ue.once('end', resolve);
    ue.once('error', reject);
  });
  ue.end(req);
  await ended;
  const totalMs = performance.now() - start;
  const reply = Buffer.concat(chunks).toString('latin1');
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const yes = (v: unknown) => (v ? 'yes' : 'no');
  const cert = ue.getPeerCertificate();
  const subject = cert['subject'] as Record<string, string> | undefined;
  const statusLine = reply.split('\r\n', 1)[0];
  const rows: [string, string][] = [
    ['protocol', String(ue.getProtocol())],
    ['cipher suite', `${ue.getCipher()?.standardName} (${ue.getCipher()?.name})`],
    ['server certificate', subject ? Object.entries(subject).map(([k, v]) => `${k}=${v}`).join(', ') : '-'],
    ['issuer', Object.entries((cert['issuer'] as Record<string, string>) ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')],
    ['verified', ue.authorized ? 'yes (chain to the demo CA, name localhost)' : `no: ${ue.authorizationError}`],
    ['session resumed', ue.isSessionReused() ? 'yes' : 'no'],
    ['extensions', `extended_master_secret ${yes(ue.getSession()?.extendedMasterSecret)}, encrypt_then_mac ${yes(ue.getSession()?.encryptThenMac)}`],
    ['UE -> AP', `${Buffer.byteLength(req)} bytes (AP read ${apBytesIn})`],
    ['AP -> UE', `${reply.length} bytes, ${statusLine}`],
    ['test PKI generation', `${pkiMs.toFixed(0)} ms`],
    ['handshake', `${handshakeMs.toFixed(1)} ms`],
    ['request + response + close', `${(totalMs - handshakeMs).toFixed(1)} ms`],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  console.log('ut-tls demo: UE (connect) <-> AP (createServer) over 127.0.0.1, TLS 1.0\n');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  const ok = ue.authorized && statusLine === 'HTTP/1.1 200 OK' && reply.endsWith(XCAP_DOCUMENT) && apBytesIn === Buffer.byteLength(req);
  console.log(`\n${ok ? 'OK' : 'FAILED'}: the XCAP document ${ok ? 'arrived intact' : 'did not arrive as sent'}.`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  console.error(`demo failed: ${e.code ?? ''} ${e.message ?? String(err)}`);
  process.exitCode = 1;
});
