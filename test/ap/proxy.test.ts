import t from 'tap';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { loadApConfig } from '../../lib/ap/config.js';
import { createProxy } from '../../lib/ap/proxy.js';
import { Agent, request } from '../../lib/http/index.js';
import { demoDir, startBackend, twoHostConfig, writeConfig } from './helpers.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

t.test('routes by server_name, asserts identity only to the trusted AS, strips spoofing, 403 on foreign identity, 502', async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  // One multi-identity certificate for both names (TS 33.141 Annex A option 2); test/ap/tls.test.ts has per-name ones.
  const cfg = twoHostConfig(as1.url, as2.url) as { hosts: Array<Record<string, unknown>> };
  for (const h of cfg.hosts) Object.assign(h, { cert: 'multi.pem', key: 'multi.key' });
  const config = loadApConfig(writeConfig(dir, cfg));
  const proxy = createProxy(config);
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  t.teardown(() => new Promise<void>((r) => { proxy.closeAllConnections(); proxy.close(() => r()); }));
  const port = (proxy.address() as AddressInfo).port;
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const agent = new Agent({ keepAlive: true, ca, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const get = (servername: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ agent, host: '127.0.0.1', port, servername, path: '/x', headers: { host: servername, authorization: basic('alice', 'alice-secret'), ...headers } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
  const spoof = { 'x-3gpp-asserted-identity': '"sip:mallory@example.test"' };
  const r1 = await get('as1.example.test', spoof);
  t.equal(r1.status, 200);
  t.match(r1.body, /^as1 GET \/x/);
  t.equal(as1.seen[0]!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"');
  t.match(as1.seen[0]!.headers.via, /ut-tls-ap/);
  t.equal(as1.seen[0]!.headers['x-forwarded-for'], '127.0.0.1');
  t.notOk(as1.seen[0]!.headers.authorization);
  const r2 = await get('as2.example.test', spoof);
  t.match(r2.body, /^as2 GET \/x/);
  t.notOk(as2.seen[0]!.headers['x-3gpp-asserted-identity'], 'untrusted AS never sees an asserted identity');
  const r3 = await get('as1.example.test', { 'x-3gpp-intended-identity': '"sip:bob@example.test"' });
  t.equal(r3.status, 403);
  t.equal(as1.seen.length, 1, 'refused request never reached the AS');
  const r4 = await get('as1.example.test', { 'x-3gpp-intended-identity': '"tel:+15550100"' });
  t.equal(as1.seen[1]!.headers['x-3gpp-asserted-identity'], '"tel:+15550100"');
  t.equal(r4.status, 200);
  await new Promise<void>((r) => { as2.server.closeAllConnections(); as2.server.close(() => r()); });
  const r5 = await get('as2.example.test', {});
  t.equal(r5.status, 502);
});
