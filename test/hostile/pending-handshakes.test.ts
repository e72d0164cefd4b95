/**
 * Issue 21: maxPendingHandshakes bounds the handshakes in progress per Server; a connection beyond
 * it is closed at once (refused, not queued) and reported as tlsClientError
 * ERR_TLS_TOO_MANY_PENDING_HANDSHAKES. Finished or closed handshakes free their place.
 */
import t from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { connect, createServer } from '../../lib/index.js';
import type { TLSError } from '../../lib/errors.js';
import { DEFAULT_MAX_PENDING_HANDSHAKES } from '../../lib/socket/server.js';
import { testPki } from '../helpers/pki.js';

t.test('a third connection to a server with maxPendingHandshakes 2 is closed at once', async (t) => {
  const pki = await testPki();
  t.equal(DEFAULT_MAX_PENDING_HANDSHAKES, 1024, 'documented default');
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, maxPendingHandshakes: 2, handshakeTimeout: 10_000 }, (s) => s.end('ok'));
  const errors: TLSError[] = [];
  server.on('tlsClientError', (err: TLSError) => errors.push(err));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const open = async () => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    await once(s, 'connect');
    return s;
  };
  // Two idle clients: handshakes that never progress.
  const idle = [await open(), await open()];
  for (let i = 0; i < 100 && server.pendingHandshakeCount < 2; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(server.pendingHandshakeCount, 2, 'two handshakes pending');

  const third = await open();
  let received = 0;
  third.on('data', (d: Buffer) => (received += d.length));
  third.write(Buffer.from([22, 3, 1, 0, 0]));
  await once(third, 'close');
  t.equal(received, 0, 'the refused connection got no bytes');
  t.equal(errors.length, 1, 'one tlsClientError');
  t.equal(errors[0]!.code, 'ERR_TLS_TOO_MANY_PENDING_HANDSHAKES');
  t.match(errors[0]!.message, /maxPendingHandshakes: 2/);
  t.equal(server.pendingHandshakeCount, 2, 'the refused one was never counted');

  // An idle client leaves: its place is free again and a real client is served.
  idle[0]!.destroy();
  for (let i = 0; i < 100 && server.pendingHandshakeCount > 1; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(server.pendingHandshakeCount, 1, 'a closed handshake frees its place');
  const good = connect({ port, host: 'localhost', ca: pki.caPem });
  const [reply] = (await once(good, 'data')) as [Buffer];
  t.equal(reply.toString(), 'ok', 'served once a place is free');
  good.destroy();
  for (let i = 0; i < 100 && server.pendingHandshakeCount > 1; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(server.pendingHandshakeCount, 1, 'a finished handshake frees its place');
  idle[1]!.destroy();
});
