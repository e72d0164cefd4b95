/**
 * lib/ap/resp.ts: RESP parsing (fragmented, bounded, malformed), a real redis-server (binary values,
 * PX, MGET), and the bounds: a server that never answers gives ETIMEDOUT and the late reply is
 * discarded in order; a server that is down fails at once; a reply that is not RESP closes.
 */
import t from 'tap';
import * as net from 'node:net';
import { encodeCommand, parseReply, RedisError, RespClient } from '../../lib/ap/resp.js';
import { freePort } from '../helpers/peers.js';
import { startRedis } from './redis.js';

t.test('parseReply: every type, fragments, limits', async (t) => {
  const all = Buffer.from('+OK\r\n-ERR bad\r\n:42\r\n$4\r\na\r\nb\r\n$-1\r\n*2\r\n$1\r\nx\r\n:7\r\n');
  const got: unknown[] = [];
  let p = 0;
  for (let r = parseReply(all, p, 100); r; r = parseReply(all, p, 100)) { got.push(r[0]); p = r[1]; }
  t.equal(p, all.length);
  t.equal(got[0], 'OK');
  t.type(got[1], RedisError);
  t.equal(got[2], 42);
  t.same(got[3], Buffer.from('a\r\nb'), 'bulk strings are binary safe');
  t.equal(got[4], null);
  t.same(got[5], [Buffer.from('x'), 7]);
  for (let cut = 1; cut < 12; cut++) t.equal(parseReply(Buffer.from('*2\r\n$1\r\nx\r\n:7\r\n').subarray(0, cut), 0, 100), undefined, `incomplete at ${cut}`);
  t.throws(() => parseReply(Buffer.from('$101\r\n'), 0, 100), { code: 'EPROTO' }, 'bulk over the limit');
  t.throws(() => parseReply(Buffer.from('?x\r\n'), 0, 100), { code: 'EPROTO' });
  t.throws(() => parseReply(Buffer.from('$1\r\nxyz'), 0, 100), { code: 'EPROTO' }, 'bulk not ended by CRLF');
  t.same(encodeCommand(['GET', 'k']), Buffer.from('*2\r\n$3\r\nGET\r\n$1\r\nk\r\n'));
});

t.test('a real redis-server: SET PX / GET binary / MGET / DEL; down: fails at once; restarted: reconnects', { timeout: 30_000 }, async (t) => {
  const port = await freePort();
  const redis = await startRedis(t, port);
  const states: string[] = [];
  const c = new RespClient({ host: '127.0.0.1', port, timeoutMs: 500, retryMs: 100, onStateChange: (up) => states.push(up ? 'up' : 'down') });
  t.teardown(() => c.close());
  const bin = Uint8Array.from({ length: 256 }, (_, i) => i);
  t.equal(await c.command(['SET', 'k', bin, 'PX', 60_000]), 'OK');
  t.same(await c.command(['GET', 'k']), Buffer.from(bin));
  t.same(await c.command(['MGET', 'k', 'nope']), [Buffer.from(bin), null]);
  t.equal(await c.command(['DEL', 'k']), 1);
  await t.rejects(c.command(['NOSUCHCOMMAND']), { name: 'RedisError', code: 'EREPLY' });
  t.equal(await c.command(['PING']), 'PONG', 'still aligned after an error reply');
  await redis.stop();
  const start = Date.now();
  await t.rejects(c.command(['PING']), { code: 'EUNAVAILABLE' });
  await t.rejects(c.command(['PING']), { code: 'EUNAVAILABLE' }, 'within retryMs: no new attempt, an immediate failure');
  t.ok(Date.now() - start < 5000, 'no hang');
  const again = await startRedis(t, port);
  let pong: unknown;
  for (let i = 0; i < 50 && pong === undefined; i++) {
    pong = await c.command(['PING']).catch(() => undefined);
    if (pong === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  t.equal(pong, 'PONG', 'reconnected by itself');
  t.same(states, ['down', 'up']);
  await again.stop();
});

t.test('a server that does not answer in time: ETIMEDOUT, the late reply is thrown away in order', async (t) => {
  const sockets: net.Socket[] = [];
  const srv = net.createServer((s) => {
    sockets.push(s);
    let n = 0;
    s.on('data', (d) => {
      for (const _ of d.toString().matchAll(/\*1\r\n\$4\r\nPING/g)) {
        n++;
        // The first PING is answered only when the second arrives (after the client's deadline), in order.
        if (n === 2) s.write('+LATE\r\n+PONG2\r\n');
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => { for (const s of sockets) s.destroy(); srv.close(); });
  const c = new RespClient({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, timeoutMs: 50 });
  t.teardown(() => c.close());
  await t.rejects(c.command(['PING']), { code: 'ETIMEDOUT' });
  const second = c.command(['PING']);
  t.equal(await second, 'PONG2', 'the late +LATE went to the timed-out command, not to this one');
});

t.test('bytes that are not RESP: the connection closes, the command fails with EPROTO', async (t) => {
  const srv = net.createServer((s) => s.on('data', () => s.write('HTTP/1.1 400 Bad Request\r\n\r\n')));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => srv.close());
  const c = new RespClient({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port, timeoutMs: 1000 });
  t.teardown(() => c.close());
  await t.rejects(c.command(['PING']), { code: 'EPROTO' });
});
