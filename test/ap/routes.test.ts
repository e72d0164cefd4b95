/**
 * One UE connection carrying requests to several ASs (TS 33.141 5.1.4: many HTTP sessions over one
 * TLS tunnel), routed by path prefix with a per-route trustDomain; bodies streamed both ways (1 MB
 * PUT, 1 MB answer); an https: AS (Zn/Zb side over node:https, route `ca`); an AS that does not
 * answer in time: 504.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { demoDir, startBackend, startProxy, writeConfig } from './helpers.js';
import { basic, ueConnect } from './ue.js';

const ALICE = { authorization: basic('alice', 'alice-secret') };

t.test('several ASs over one connection, streamed bodies, an https AS, 504', { timeout: 60_000 }, async (t) => {
  const dir = await demoDir(t);
  const big = Buffer.alloc(1 << 20, 0x62);
  const plain = await startBackend(t, 'plain', (req, res, body) => {
    if (req.url === '/big/answer') {
      res.end(big);
      return true;
    }
    if (req.url === '/slow/') return true; // never answers
    return false;
  });
  const xcap = await startBackend(t, 'xcap');
  const seenHttps: Array<{ url: string; asserted: string | undefined }> = [];
  const tlsAs = https.createServer({ key: readFileSync(join(dir, 'as1.key')), cert: readFileSync(join(dir, 'as1.pem')) }, (req, res) => {
    seenHttps.push({ url: req.url!, asserted: req.headers['x-3gpp-asserted-identity'] as string | undefined });
    res.end(`https-as ${req.url}\n`);
  });
  await new Promise<void>((r) => tlsAs.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => { tlsAs.closeAllConnections(); tlsAs.close(() => r()); }));
  const cfg = {
    listen: { host: '127.0.0.1', port: 0 },
    hosts: [{
      names: ['as1.example.test'], cert: 'as1.pem', key: 'as1.key',
      routes: [
        { path: '/', upstream: plain.url, trustDomain: true },
        { path: '/xcap/', upstream: `${xcap.url}/root`, trustDomain: false },
        { path: '/secure/', upstream: `https://127.0.0.1:${(tlsAs.address() as AddressInfo).port}`, trustDomain: true, ca: 'ca.pem' },
      ],
    }],
    authenticator: { type: 'static', file: 'users.json' },
    upstreamTimeoutMs: 300,
    accessLog: 'off',
  };
  const { port } = await startProxy(t, writeConfig(dir, cfg));
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const c = await ueConnect({ port, ca, servername: 'as1.example.test' });
  t.teardown(() => c.close());

  t.equal((await c.get('/a', ALICE)).body, 'plain GET /a\n');
  t.equal((await c.get('/xcap/doc', ALICE)).body, 'xcap GET /root/xcap/doc\n', 'the route base path is prefixed');
  t.equal((await c.get('/secure/s', ALICE)).body, 'https-as /secure/s\n');
  t.equal((await c.get('/b', ALICE)).body, 'plain GET /b\n');
  t.equal(plain.seen[0]!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"');
  t.notOk(xcap.seen[0]!.headers['x-3gpp-asserted-identity'], 'per route: this AS is not trusted');
  t.same(seenHttps, [{ url: '/secure/s', asserted: '"sip:alice@example.test"' }], 'the https AS, verified with the route ca');
  const answer = await c.get('/big/answer', ALICE);
  t.equal(answer.body.length, big.length, '1 MB answer through the AP');

  // A 1 MB PUT on the same connection, written in 16 pieces: the AP streams them on; the AS sees the whole body.
  const pieces = Array.from({ length: 16 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));
  const put = (await c.send('PUT', '/upload', ALICE, pieces)).body;
  t.equal(put, `plain PUT /upload body=${big.length}\n`);
  t.equal((await c.get('/slow/', ALICE)).status, 504, 'no answer within upstreamTimeoutMs');
});
