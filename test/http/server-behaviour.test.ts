/**
 * node:http's own protections and shutdown over ut-tls, each asserted on the wire and against
 * node:https in the same test (issue 13): 400 for a garbage request line, 431 for a 20 kB header,
 * 408 and close for an unfinished head after headersTimeout (and for a body after requestTimeout),
 * keepAliveTimeout, closeIdleConnections(), close(), closeAllConnections(), and the TLS events.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { constants } from 'node:crypto';
import { testPki } from '../helpers/pki.js';
import { NODE_TLS1, rawExchange, serverPair } from './helpers.js';
import type { TLSSocket } from '../../lib/socket/tls-socket.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };

/** The same input to both servers; the answers must be the same. */
async function both(t: Test, options: Parameters<typeof serverPair>[2], input: string | Buffer) {
  const { oursPort, nodePort } = await serverPair(t, pki, options);
  const [ours, node] = await Promise.all([rawExchange(oursPort, pki, input), rawExchange(nodePort, pki, input)]);
  return { ours, node };
}

t.test('a garbage request line gets 400 Bad Request, then the connection closes', BOUNDED, async (t) => {
  const { ours, node } = await both(t, {}, 'BLAH BLAH\r\n\r\n');
  t.equal(ours.text, 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  t.equal(ours.ended, 'close');
  t.same(ours, node, 'node:https answers the same');
});

t.test('a 20 kB header gets 431 Request Header Fields Too Large', BOUNDED, async (t) => {
  const input = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`;
  const { ours, node } = await both(t, {}, input);
  t.equal(ours.text, 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
  t.same(ours, node, 'node:https answers the same');
});

t.test('maxHeaderSize is node:http option taken through the same options object', BOUNDED, async (t) => {
  const input = `GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(3000)}\r\n\r\n`;
  const { ours, node } = await both(t, { maxHeaderSize: 2048 }, input);
  t.match(ours.text, /^HTTP\/1\.1 431 /);
  t.same(ours, node);
});

t.test('an unfinished request head is answered 408 and closed after headersTimeout', BOUNDED, async (t) => {
  // node:http checks every connectionsCheckingInterval; this only works when its tracking runs.
  const opts = { headersTimeout: 200, requestTimeout: 1000, connectionsCheckingInterval: 50 };
  const { ours, node } = await both(t, opts, 'GET / HTTP/1.1\r\nHost: localhost\r\n');
  t.equal(ours.text, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  t.equal(ours.ended, 'close', 'closed by the server, well before the 10 s limit of the exchange');
  t.same(ours, node, 'node:https answers the same');
});

t.test('an unfinished request body is answered 408 after requestTimeout', BOUNDED, async (t) => {
  const opts = { headersTimeout: 200, requestTimeout: 400, connectionsCheckingInterval: 50 };
  const input = 'PUT / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nonly a part';
  const { ours, node } = await both(t, opts, input);
  t.equal(ours.text, 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
  t.same(ours, node);
});

t.test('keepAliveTimeout closes an idle keep-alive connection after the answer', BOUNDED, async (t) => {
  const { ours, node } = await both(t, { keepAliveTimeout: 200 }, 'GET /k HTTP/1.1\r\nHost: localhost\r\n\r\n');
  t.match(ours.text, /^HTTP\/1\.1 200 OK\r\n/);
  t.match(ours.text, /\r\nKeep-Alive: timeout=0\r\n|\r\nConnection: keep-alive\r\n/);
  t.equal(ours.ended, 'close', 'the server closed the idle connection');
  t.equal(node.ended, 'close');
  const head = (text: string) => text.slice(0, text.indexOf('\r\n\r\n')).replace(/\r\n(Date|Content-Length): [^\r]*/g, '');
  t.equal(head(ours.text), head(node.text), 'the same answer head as node:https (Date and Content-Length aside)');
});

/** Opens a keep-alive connection, does one request and resolves once the answer is in. */
async function idleConnection(port: number): Promise<{ socket: tls.TLSSocket; closed: Promise<unknown> }> {
  const socket = tls.connect({ port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  socket.on('error', () => {});
  const closed = once(socket, 'close');
  await once(socket, 'secureConnect');
  socket.write('GET /idle HTTP/1.1\r\nHost: localhost\r\n\r\n');
  let text = '';
  socket.setEncoding('latin1');
  await new Promise<void>((resolve) => {
    socket.on('data', (d: string) => {
      text += d;
      if (text.includes('\r\n\r\n') && text.endsWith('\n') && /\}\n$/.test(text)) resolve();
    });
  });
  return { socket, closed };
}

t.test('closeIdleConnections() closes an idle keep-alive connection, not a busy one', BOUNDED, async (t) => {
  for (const which of ['ours', 'node'] as const) {
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const pair = await serverPair(t, pki, {}, (req, res) => {
      if (req.url === '/busy') void hold.then(() => res.end('late\n'));
      else res.end('{}\n');
    });
    const server = which === 'ours' ? pair.ours : pair.node;
    const port = which === 'ours' ? pair.oursPort : pair.nodePort;
    const idle = await idleConnection(port);
    const busy = tls.connect({ port, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
    busy.on('error', () => {});
    await once(busy, 'secureConnect');
    let busyText = '';
    busy.on('data', (d: Buffer) => (busyText += d.toString('latin1')));
    busy.write('GET /busy HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // Wait until the server has the busy request (its response is pending).
    for (let i = 0; i < 200 && (server as unknown as { _connections: number })._connections < 2; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    server.closeIdleConnections();
    await idle.closed;
    t.pass(`${which}: the idle connection was closed`);
    t.equal(busy.destroyed, false, `${which}: the busy one stays`);
    release();
    for (let i = 0; i < 400 && !busyText.includes('late'); i++) await new Promise((r) => setTimeout(r, 5));
    t.match(busyText, /late/, `${which}: the busy request got its answer`);
    busy.destroy();
  }
});

t.test('close() closes idle keep-alive connections and stops listening (node:https behaviour)', BOUNDED, async (t) => {
  const { ours, node, oursPort, nodePort } = await serverPair(t, pki, {}, (_req, res) => res.end('{}\n'));
  for (const [server, port] of [[ours, oursPort], [node, nodePort]] as const) {
    const idle = await idleConnection(port);
    const closedServer = new Promise<void>((r) => server.close(() => r()));
    await idle.closed;
    await closedServer;
    t.equal(server.listening, false);
  }
});

t.test('closeAllConnections() closes a connection with a request in flight', BOUNDED, async (t) => {
  const { ours, oursPort } = await serverPair(t, pki, {}, () => {
    /* never answers */
  });
  const c = tls.connect({ port: oursPort, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  c.on('error', () => {});
  const closed = once(c, 'close');
  await once(c, 'secureConnect');
  const gotRequest = once(ours, 'request');
  c.write('GET /hang HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await gotRequest;
  ours.closeAllConnections();
  await closed;
  t.pass('closed');
});

t.test("req.socket is the ut-tls TLSSocket; 'connection' has the raw socket; 'secureConnection' passes through", BOUNDED, async (t) => {
  const { ours, oursPort } = await serverPair(t, pki, {}, (req, res) => {
    const s = req.socket as unknown as TLSSocket;
    res.end(JSON.stringify({ cipher: s.getCipher()?.standardName, servername: s.servername, hasConnection: typeof s.connection === 'object', peer: s.getPeerCertificate() }) + '\n');
  });
  const events: string[] = [];
  ours.on('connection', (raw: unknown) => events.push(raw instanceof net.Socket && !(raw instanceof tls.TLSSocket) ? 'raw' : 'other'));
  ours.on('secureConnection', (s: TLSSocket) => events.push(typeof s.getCipher === 'function' && s.getCipher() ? 'secure' : 'bad'));
  const r = await rawExchange(oursPort, pki, 'GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  const body = JSON.parse(r.text.slice(r.text.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
  t.equal(body['servername'], 'localhost');
  t.match(String(body['cipher']), /^TLS_RSA_WITH_/);
  t.equal(body['hasConnection'], true, 'the ut-tls engine is at hand (TLSSocket#connection)');
  t.same(body['peer'], {}, 'no client certificate asked for');
  t.same(events, ['raw', 'secure']);
});

t.test("a failed handshake is 'tlsClientError' and 'clientError', as node:https", BOUNDED, async (t) => {
  const { ours, node, oursPort, nodePort } = await serverPair(t, pki, {});
  for (const [server, port] of [[ours, oursPort], [node, nodePort]] as const) {
    const events: string[] = [];
    const got = new Promise<void>((resolve) => {
      server.once('tlsClientError', () => events.push('tlsClientError'));
      server.once('clientError', (_err: Error, socket: net.Socket | undefined) => {
        events.push('clientError');
        socket?.destroy();
        resolve();
      });
    });
    const raw = net.connect(port, '127.0.0.1');
    raw.on('error', () => {});
    raw.end('GET / HTTP/1.1\r\n\r\n'); // plain HTTP to a TLS port
    await got;
    raw.destroy();
    // node:https's own 'tlsClientError' listener (registered first) emits 'clientError'.
    t.same(events, ['clientError', 'tlsClientError'], server === ours ? 'ours' : 'node:https');
  }
});

t.test('session hooks on the HTTPS server: newSession / resumeSession are the ones listened to', BOUNDED, async (t) => {
  const { ours, oursPort } = await serverPair(t, pki, {});
  const store = new Map<string, Buffer>();
  const calls: string[] = [];
  ours.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
    calls.push('new');
    store.set(id.toString('hex'), data);
    cb();
  });
  ours.on('resumeSession', (id: Buffer, cb: (err: Error | null, data?: Buffer | null) => void) => {
    calls.push('resume');
    cb(null, store.get(id.toString('hex')) ?? null);
  });
  // node's client asks for tickets, which (as with node:https) resume without the store: this test
  // is about the store, so the client turns tickets off (OpenSSL's SSL_OP_NO_TICKET).
  const opts = { port: oursPort, host: '127.0.0.1', ca: pki.caPem, servername: 'localhost', ...NODE_TLS1, secureOptions: constants.SSL_OP_NO_TICKET };
  const first = tls.connect(opts);
  first.on('error', () => {});
  const sessionEvent = new Promise<Buffer>((r) => first.once('session', r));
  await once(first, 'secureConnect');
  first.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
  first.resume();
  const session = await sessionEvent;
  if (!first.destroyed) await once(first, 'close');
  const second = tls.connect({ ...opts, session });
  second.on('error', () => {});
  await once(second, 'secureConnect');
  t.equal(second.isSessionReused(), true, 'resumed through the application store');
  second.destroy();
  t.same(calls, ['new', 'resume']);
});
