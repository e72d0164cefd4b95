/**
 * The net.Socket surface node:http and middleware read on a TLSSocket (issue 13): byte counters in
 * plaintext (as node:tls), connecting / pending / readyState, destroySoon() and resetAndDestroy(),
 * each compared with what node:tls reports for the same exchange where node:tls can run it.
 */
import t, { type Test } from 'tap';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { connect, createServer, type Server, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 15_000 };

async function listen(t: Test, server: Server | net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

t.test('bytesWritten / bytesRead count plaintext both sides, as node:tls does', BOUNDED, async (t) => {
  let serverSide: TLSSocket | undefined;
  let serverClosed!: () => void;
  const serverDone = new Promise<void>((r) => (serverClosed = r));
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    serverSide = s;
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got === 1000) s.end(Buffer.alloc(300, 1));
    });
    s.on('close', () => serverClosed());
  });
  const port = await listen(t, server);
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost' });
  t.equal(client.bytesWritten, 0, 'nothing written yet');
  client.write(Buffer.alloc(400));
  client.write('x'.repeat(600));
  t.equal(client.bytesWritten, 1000, 'queued writes count at once (net.Socket semantics)');
  client.resume();
  await once(client, 'end');
  t.equal(client.bytesRead, 300, 'plaintext read, not record bytes');
  await serverDone;
  t.equal(serverSide!.bytesRead, 1000);
  t.equal(serverSide!.bytesWritten, 300);

  // node:tls against the same kind of exchange, for the reference numbers.
  const ref = tls.createServer({ key: pki.keyPem, cert: pki.certPem, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => {
    s.resume();
    s.end(Buffer.alloc(300, 1));
  });
  ref.listen(0, '127.0.0.1');
  await once(ref, 'listening');
  t.teardown(() => new Promise<void>((r) => ref.close(() => r())));
  const n = tls.connect({ port: (ref.address() as net.AddressInfo).port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  n.write(Buffer.alloc(1000));
  n.resume();
  await once(n, 'end');
  t.equal(n.bytesRead, client.bytesRead, 'node:tls reports the same plaintext bytesRead');
  t.equal(n.bytesWritten, client.bytesWritten, 'and the same bytesWritten');
});

t.test('connecting, pending and readyState follow the TCP connection', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.pipe(s));
  const port = await listen(t, server);
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost' });
  t.equal(client.connecting, true, 'TCP connect in progress');
  t.equal(client.pending, true);
  t.equal(client.readyState, 'opening');
  await once(client, 'connect');
  t.equal(client.connecting, false);
  t.equal(client.pending, false);
  t.equal(client.readyState, 'open');
  await once(client, 'secureConnect');
  client.end();
  t.equal(client.readyState, 'readOnly', 'after end(): readable only');
  client.resume();
  await once(client, 'close');
  t.equal(client.readyState, 'closed');
  t.equal(client.pending, true, 'net.Socket reports pending once its handle is gone');
});

t.test('destroySoon() sends what is queued, then close_notify, then closes', BOUNDED, async (t) => {
  let received = '';
  const serverEnded = new Promise<void>((resolve) => {
    const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
      s.setEncoding('latin1');
      s.on('data', (d: string) => (received += d));
      s.on('end', () => resolve()); // 'end' means close_notify or FIN after all data
    });
    void listen(t, server).then((port) => {
      const c = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost' });
      c.write('hello ');
      c.write('world');
      c.destroySoon();
      c.on('close', () => (clientClosed = true));
    });
  });
  let clientClosed = false;
  await serverEnded;
  t.equal(received, 'hello world', 'the queued data arrived before the end');
  for (let i = 0; i < 100 && !clientClosed; i++) await new Promise((r) => setTimeout(r, 10));
  t.equal(clientClosed, true, 'the client closed itself once finished');
});

t.test('resetAndDestroy() closes with a TCP RST: the peer sees ECONNRESET, no close_notify', BOUNDED, async (t) => {
  const raw = net.createServer();
  const port = await listen(t, raw);
  const peerResult = new Promise<string>((resolve) => {
    raw.on('connection', (s) => {
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
      s.on('end', () => resolve('end'));
      s.resume();
    });
  });
  const client = connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost' });
  client.on('error', () => {});
  await once(client, 'connect');
  // The raw server never answers the ClientHello; reset the connection mid-handshake.
  await new Promise((r) => setTimeout(r, 20));
  const closed = once(client, 'close');
  client.resetAndDestroy();
  t.equal(await peerResult, 'ECONNRESET', 'the peer got a reset, not a FIN');
  await closed;
  t.equal(client.destroyed, true);
  const again = client.resetAndDestroy();
  t.equal(again, client, 'returns the socket, as net.Socket does');
});
