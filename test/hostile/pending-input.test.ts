/**
 * Issue 21 item 2: while an async hook (here the session store / 'resumeSession') has not answered,
 * what the peer sends is bounded: the engine queues at most pendingInputLimit bytes (a sans-IO caller
 * that feeds more gets a typed error and an internal_error alert), and a socket stops reading from
 * the transport instead (backpressure), so a client pushing 100 MB leaves the server holding a few
 * hundred KiB, not 100 MB, until the handshake timeout ends the connection.
 */
import t from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { connect, createServer } from '../../lib/index.js';
import type { TLSError } from '../../lib/errors.js';
import { DEFAULT_PENDING_INPUT_LIMIT } from '../../lib/engine/connection.js';
import { assertFatalAlert, clientHelloRecord, lonelyServer } from '../helpers/raw-server.js';
import { testPki } from '../helpers/pki.js';

const never = () => new Promise<never>(() => {});
const neverStore = { get: never, set: () => {}, delete: () => {} };

t.test('engine: input past pendingInputLimit while the store is pending is a typed error', async (t) => {
  const limit = 4096;
  const s = await lonelyServer({ sessionStore: neverStore as never, pendingInputLimit: limit });
  s.conn.receive(clientHelloRecord({ sessionId: new Uint8Array(32).fill(9) }));
  t.ok(s.conn.suspended, 'waiting for the session store');
  s.conn.receive(new Uint8Array(limit - 100));
  t.equal(s.conn.bufferedInput, limit - 100, 'queued up to the bound');
  t.equal(s.errors.length, 0, 'no error within the bound');
  s.conn.receive(new Uint8Array(200));
  t.ok(s.conn.bufferedInput <= limit, `queue stays within the bound (${s.conn.bufferedInput})`);
  t.equal(s.errors.length, 1, 'one error');
  t.equal(s.errors[0]!.code, 'ERR_TLS_ALERT_INTERNAL_ERROR');
  t.match(s.errors[0]!.message, /pendingInputLimit/);
  assertFatalAlert(t, s.wire(), 80);
  s.conn.receive(new Uint8Array(1 << 20));
  t.ok(s.conn.bufferedInput <= limit, 'nothing queued after the failure');
  t.equal(DEFAULT_PENDING_INPUT_LIMIT, 65536, 'documented default');
});

t.test('socket: 100 MB pushed at a pending resumeSession is not read; the server stays responsive', async (t) => {
  const pki = await testPki();
  const limit = DEFAULT_PENDING_INPUT_LIMIT;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, handshakeTimeout: 3000 }, (s) => s.end('ok'));
  server.on('resumeSession', () => {}); // never answers
  const errors: TLSError[] = [];
  server.on('tlsClientError', (err: TLSError) => errors.push(err));
  const raws: net.Socket[] = [];
  server.on('connection', (raw: net.Socket) => raws.push(raw));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;

  const hostile = net.connect({ host: '127.0.0.1', port });
  hostile.on('error', () => {});
  await once(hostile, 'connect');
  hostile.write(clientHelloRecord({ sessionId: new Uint8Array(32).fill(5) }));
  let isClosed = false;
  const closed = new Promise<void>((resolve) => hostile.once('close', () => resolve(void (isClosed = true))));
  const chunk = Buffer.alloc(1 << 20, 0x17);
  let offered = 0;
  for (let i = 0; i < 100 && !isClosed; i++) {
    offered += chunk.length;
    if (!hostile.write(chunk)) await Promise.race([new Promise((r) => hostile.once('drain', r)), closed]);
    if (i === 5) {
      // Meanwhile another client is served.
      const good = connect({ port, host: 'localhost', ca: pki.caPem });
      const [reply] = (await once(good, 'data')) as [Buffer];
      t.equal(reply.toString(), 'ok', 'another client is served while the hostile one waits');
      good.destroy();
    }
  }
  await closed;
  const raw = raws[0]!;
  if (!raw.closed) await once(raw, 'close');
  // Engine queue (<= limit) + one held chunk (<= 64 KiB read) + the stream's buffer (<= 16 KiB) and
  // one read in flight: a few hundred KiB, where an unbounded reader takes in everything offered.
  t.ok(raw.bytesRead < limit + 4 * 65536, `server read ${raw.bytesRead} bytes of ${offered} offered`);
  t.ok(offered > 8 * 1024 * 1024 || raw.bytesRead < limit + 4 * 65536, 'the client had more to send');
  t.ok(errors.some((e) => e.code === 'ERR_TLS_HANDSHAKE_TIMEOUT'), 'the hostile connection ends at the handshake timeout');
});
