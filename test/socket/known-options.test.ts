/**
 * node:tls options are honoured or refused, never silently ignored: misspelt names get a hint,
 * unimplemented node:tls options are named, and the version knobs are accepted only when they allow TLSv1.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { connect, createServer, TLSConfigError, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const base = { key: pki.keyPem, cert: pki.certPem };

function refused(t: Test, fn: () => unknown, option: string, text: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  t.ok(caught instanceof TLSConfigError, `${option}: TLSConfigError`);
  const e = caught as TLSConfigError;
  t.equal(e.code, 'ERR_TLS_INVALID_CONFIG');
  t.equal(e.option, option);
  t.match(e.message, text);
}

t.test('a misspelt server option is refused with a hint', async (t) => {
  refused(t, () => createServer({ ...base, requestCrt: true } as never), 'requestCrt', /did you mean requestCert\?/);
  refused(t, () => createServer({ ...base, sessionTimout: 5 } as never), 'sessionTimout', /did you mean sessionTimeout\?/);
});

t.test('a client option given to a server says so', async (t) => {
  refused(t, () => createServer({ ...base, servername: 'x' } as never), 'servername', /client option/);
});

t.test('unimplemented node:tls options are refused by name', async (t) => {
  refused(t, () => createServer({ ...base, NPNProtocols: ['h2'] } as never), 'NPNProtocols', /not supported by ut-tls.*NPN/);
  refused(t, () => createServer({ ...base, pfx: Buffer.alloc(1) } as never), 'pfx', /PKCS#12/);
  refused(t, () => connect({ port: 1, host: '127.0.0.1', ecdhCurve: 'auto' } as never), 'ecdhCurve', /ECDHE/);
});

t.test('minVersion/maxVersion/secureProtocol', async (t) => {
  refused(t, () => createServer({ ...base, minVersion: 'TLSv1.2' } as never), 'minVersion', /excludes TLSv1/);
  refused(t, () => createServer({ ...base, minVersion: 'TLSv9' } as never), 'minVersion', /not a node:tls version/);
  refused(t, () => createServer({ ...base, secureProtocol: 'TLSv1_2_method' } as never), 'secureProtocol', /TLSv1_method/);
  refused(t, () => createServer({ ...base, minVersion: 'TLSv1.1', maxVersion: 'TLSv1' } as never), 'minVersion', /excludes TLSv1/);
  // Accepted forms: a working server and client with node's version knobs.
  const server = createServer({ ...base, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', secureProtocol: 'TLSv1_method' } as never, (s: TLSSocket) => s.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  const client = connect({ port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1.2', secureProtocol: 'TLSv1_client_method' } as never);
  const chunks: Buffer[] = [];
  client.on('data', (c: Buffer) => chunks.push(c));
  await once(client, 'end');
  t.equal(Buffer.concat(chunks).toString(), 'ok');
  client.destroy();
  server.close();
});

t.test('options other helpers add are accepted', async (t) => {
  const server = createServer({ ...base, maxPendingHandshakes: 10, pendingInputLimit: 65536, keylogFile: undefined } as never);
  t.ok(server);
  server.close();
});
