/**
 * Virtual hosts the node:tls way (lib/socket/secure-context.ts, virtual-hosts.ts): PEM and DER
 * `contexts`, addContext() with wildcards, SNICallback with node's callback, selectContext answering
 * with the PEM form, setSecureContext() rotating the certificate, createSecureContext() results, and a
 * node:tls SecureContext refused with what to pass instead. Each handshake is a real one on 127.0.0.1;
 * the certificate the client got tells which context answered.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createSecureContext, createServer, TLSConfigError, type Server, type ServerOptions } from '../../lib/index.js';
import { createCertificate, createTestPki, type TestCertificate } from '../helpers/testca.js';

const pki = await createTestPki({ client: true });
const issuer = { cert: pki.root.cert, key: pki.root.key };
const key = pki.server.key;
const keyPem = pki.server.keyPem;
/** A leaf for these names, with the shared server key (no key generation per certificate). */
function leaf(cn: string, dnsNames = [cn]): Promise<TestCertificate> {
  return createCertificate({ key, subject: { CN: cn }, issuer, dnsNames, extKeyUsage: ['serverAuth'] });
}
const [aCert, bCert, wildCert, wwwCert, rotated] = await Promise.all([
  leaf('a.example.org'),
  leaf('b.example.org'),
  leaf('*.example.org'),
  leaf('www.example.org'),
  leaf('rotated', ['localhost']),
]);

async function start(t: Test, opts: ServerOptions): Promise<{ server: Server; port: number; clientErrors: Error[] }> {
  const server = createServer(opts, (s) => s.end('hi'));
  const clientErrors: Error[] = [];
  server.on('tlsClientError', (e: Error) => clientErrors.push(e));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { server, port: (server.address() as AddressInfo).port, clientErrors };
}

/** The CN of the certificate the server answered `servername` with (verified against the test root). */
async function served(port: number, servername: string): Promise<string> {
  const socket = connect({ port, host: '127.0.0.1', servername, ca: pki.caPem });
  await once(socket, 'secureConnect');
  const cn = String((socket.getPeerCertificate().subject as Record<string, unknown>)?.['CN']);
  socket.resume();
  await once(socket, 'end');
  return cn;
}

async function refused(port: number, servername: string): Promise<Error> {
  const socket = connect({ port, host: '127.0.0.1', servername, ca: pki.caPem });
  const [err] = (await once(socket, 'error')) as [Error];
  return err;
}

const BOUNDED = { timeout: 20_000 };

t.test('contexts in PEM and DER, chosen by server_name', BOUNDED, async (t) => {
  const { port } = await start(t, {
    key: keyPem,
    cert: pki.chainPem,
    contexts: [
      { servername: 'a.example.org', key: keyPem, cert: aCert.pem },
      { servername: 'b.example.org', key: pki.server.keyDer, cert: bCert.der },
    ],
  });
  t.equal(await served(port, 'a.example.org'), 'a.example.org');
  t.equal(await served(port, 'b.example.org'), 'b.example.org');
  t.equal(await served(port, 'localhost'), 'localhost', 'the default certificate');
});

t.test('addContext with a wildcard; a later, more specific entry wins', BOUNDED, async (t) => {
  const { server, port } = await start(t, { key: keyPem, cert: pki.chainPem });
  server.addContext('*.example.org', { key: keyPem, cert: wildCert.pem });
  t.equal(await served(port, 'www.example.org'), '*.example.org');
  server.addContext('www.example.org', createSecureContext({ key: keyPem, cert: wwwCert.pem }));
  t.equal(await served(port, 'www.example.org'), 'www.example.org');
  t.equal(await served(port, 'mail.example.org'), '*.example.org');
  t.throws(() => server.addContext('x.example.org', { key: pki.client!.keyPem, cert: aCert.pem }), { code: 'ERR_TLS_INVALID_CONFIG', option: 'addContext.key' });
});

t.test("SNICallback with node's callback shape", BOUNDED, async (t) => {
  const asked: string[] = [];
  const aContext = createSecureContext({ key: keyPem, cert: aCert.pem });
  const { port, clientErrors } = await start(t, {
    key: keyPem,
    cert: pki.chainPem,
    SNICallback: (name, cb) => {
      asked.push(name);
      if (name === 'a.example.org') setImmediate(() => cb(null, aContext));
      else if (name === 'b.example.org') cb(null, { key: keyPem, cert: bCert.pem });
      else if (name === 'bad.example.org') cb(new Error('no such tenant'));
      else cb(null);
    },
  });
  t.equal(await served(port, 'a.example.org'), 'a.example.org');
  t.equal(await served(port, 'b.example.org'), 'b.example.org');
  // No answer: the default certificate (for localhost), which the client refuses for this name.
  const err = await refused(port, 'other.example.org');
  t.match((err as { code?: string }).code, /ALTNAME|CERT/);
  const failed = await refused(port, 'bad.example.org');
  t.match((failed as { code?: string }).code, /^ERR_TLS_ALERT_RECEIVED_/);
  t.ok(clientErrors.some((e) => /no such tenant/.test(String(e.message) + String((e as { cause?: Error }).cause?.message))), 'the callback error reaches tlsClientError');
  t.same(asked, ['a.example.org', 'b.example.org', 'other.example.org', 'bad.example.org']);
});

t.test('selectContext may answer with the PEM form', BOUNDED, async (t) => {
  const { port } = await start(t, {
    key: keyPem,
    cert: pki.chainPem,
    selectContext: (name) => (name === 'a.example.org' ? { key: keyPem, cert: aCert.pem } : undefined),
  });
  t.equal(await served(port, 'a.example.org'), 'a.example.org');
});

t.test('setSecureContext rotates the certificate for new connections', BOUNDED, async (t) => {
  const { server, port } = await start(t, { key: keyPem, cert: pki.chainPem });
  t.equal(await served(port, 'localhost'), 'localhost');
  server.setSecureContext({ key: keyPem, cert: rotated.pem });
  t.equal(await served(port, 'localhost'), 'rotated');
  t.throws(() => server.setSecureContext({ key: pki.client!.keyPem, cert: pki.chainPem }), { code: 'ERR_TLS_INVALID_CONFIG', option: 'key' });
  t.equal(await served(port, 'localhost'), 'rotated', 'a refused rotation changes nothing');
  server.setSecureContext({ secureContext: createSecureContext({ key: keyPem, cert: pki.chainPem }) });
  t.equal(await served(port, 'localhost'), 'localhost', 'secureContext from createSecureContext()');
});

t.test('a node:tls SecureContext is refused with what to pass instead', async (t) => {
  const nodeContext = tls.createSecureContext({ key: keyPem, cert: pki.chainPem });
  const expect = { code: 'ERR_TLS_INVALID_CONFIG', option: 'secureContext', message: /node:tls SecureContext.*createSecureContext\(\{ key, cert \}\)/ };
  t.throws(() => createServer({ secureContext: nodeContext as never }), expect);
  t.throws(() => connect({ port: 1, host: '127.0.0.1', secureContext: nodeContext as never }), expect);
  t.throws(() => createServer({ key: keyPem, cert: pki.chainPem, contexts: [nodeContext as never] }), { code: 'ERR_TLS_INVALID_CONFIG', option: 'contexts[0]' });
});

t.test('contexts are checked when the server is made', async (t) => {
  const err = t.throws(() =>
    createServer({ key: keyPem, cert: pki.chainPem, contexts: [{ servername: 'a.example.org', key: keyPem, cert: aCert.pem }, { servername: 'b', key: pki.client!.keyPem, cert: bCert.pem }] }),
  ) as TLSConfigError;
  t.ok(err instanceof TLSConfigError);
  t.equal(err.option, 'contexts[1].key');
  t.match(err.message, /key values mismatch.*contexts\[1\]\.cert PEM block #1/);
  t.throws(() => createSecureContext({ key: keyPem, cert: 'not pem' }), { code: 'ERR_TLS_INVALID_CONFIG', option: 'cert' });
});
