/**
 * fetch() over ut-tls: undici's Agent with connect: connector({...}), against gnutls-serv --http
 * (TLS 1.0, 3DES: a suite node:https cannot speak with Debian's OpenSSL 3) and against the ut-tls/http
 * server (keep-alive, then resumption through the connector's session cache).
 */
import t from 'tap';
import { Agent as UndiciAgent, fetch } from 'undici';
import { connector, createServer } from '../../lib/http/index.js';
import { startGnutlsServer } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';
import { echoHandler, listen, type Seen } from './helpers.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };

t.test('fetch through connector() against gnutls-serv --http with TLS_RSA_WITH_3DES_EDE_CBC_SHA', BOUNDED, async (t) => {
  const peer = await startGnutlsServer(t, {
    certFile: pki.certFile,
    keyFile: pki.keyFile,
    priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA',
    echo: false,
    extraArgs: ['--http'],
  });
  const connect = connector({ ca: pki.caPem, cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
  const dispatcher = new UndiciAgent({ connect });
  t.teardown(() => dispatcher.close());
  const res = await fetch(`https://localhost:${peer.port}/`, { dispatcher });
  t.equal(res.status, 200);
  const page = await res.text();
  t.match(page, /GnuTLS/, 'gnutls-serv --http answered the request');
  // The session the connector cached names the suite the two stacks agreed on.
  const [key] = connect.sessions.keys();
  t.equal(connect.sessions.get(key!)?.cipherSuite, 0x000a, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000A) was negotiated');
});

t.test('fetch through connector() against the ut-tls/http server: GET, PUT, then resumption from a new dispatcher', BOUNDED, async (t) => {
  const seen: Seen[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, echoHandler(seen));
  const port = await listen(t, server);
  const connect = connector({ ca: pki.caPem });
  const first = new UndiciAgent({ connect });
  const a = (await (await fetch(`https://localhost:${port}/a`, { dispatcher: first })).json()) as Seen;
  const b = (await (await fetch(`https://localhost:${port}/b`, { method: 'PUT', body: 'x'.repeat(50_000), dispatcher: first })).json()) as Seen;
  t.equal(a.servername, 'localhost', 'SNI from the URL host');
  t.equal(a.reused, false);
  t.equal(b.bodyLength, 50_000);
  await first.close();
  t.equal(connect.sessions.size, 1, 'the connector cached the session');
  // A new undici Agent (new connections) with the same connector resumes the cached session.
  const second = new UndiciAgent({ connect });
  t.teardown(() => second.close());
  const c = (await (await fetch(`https://localhost:${port}/c`, { dispatcher: second })).json()) as Seen;
  t.not(c.remotePort, a.remotePort, 'a new connection');
  t.equal(c.reused, true, 'it resumed the session the connector cached');
});

t.test('connector() reports a handshake failure to fetch as an error, not a hang', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (_req, res) => res.end('never'));
  const port = await listen(t, server);
  // No trust anchor for the server's CA: the UE must refuse the certificate.
  const dispatcher = new UndiciAgent({ connect: connector({ ca: pki.clientCertPem }) });
  t.teardown(() => dispatcher.close());
  const err = await fetch(`https://localhost:${port}/`, { dispatcher }).then(
    () => null,
    (e: Error & { cause?: Error & { code?: string } }) => e,
  );
  t.ok(err, 'fetch rejected');
  t.match(String(err?.cause?.message ?? err?.message), /certificate|verif|unknown_ca|issuer/i, 'the cause names the certificate problem');
});
