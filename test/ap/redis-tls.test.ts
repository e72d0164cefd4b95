/**
 * rediss://: the farm's session store over TLS to a real redis-server started with --tls-port (Debian's
 * redis-server is built with TLS). Two `ut-tls ap` processes on one TLS-only Redis: a UE's full
 * handshake on node A resumes on node B, and the session is in Redis (read back over TLS). A store
 * that does not trust Redis' certificate misses (full handshakes) within its deadline and says so;
 * the configuration keys are checked at start.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnCollected, waitForPort, type SpawnedPeer } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';
import { demoDir, startApNode as startNode, startBackend, twoHostConfig, writeConfig, type Teardown } from './helpers.js';
import { RespClient } from '../../lib/ap/resp.js';
import { RedisSessionStore } from '../../lib/ap/redis-store.js';
import { loadApConfig } from '../../lib/ap/config.js';
import { basic, ueGet } from './ue.js';

const BOUNDED = { timeout: 90_000 };
const ALICE = { authorization: basic('alice', 'alice-secret') };
const SN = 'as1.example.test';
const pki = await testPki();

/** redis-server listening with TLS only (no plain port), on 127.0.0.1, no persistence. */
async function startRedisTls(t: Teardown): Promise<{ port: number; url: string; peer: SpawnedPeer }> {
  const port = await freePort();
  const peer = spawnCollected(t, 'redis-server', [
    '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--tls-cert-file', pki.certFile, '--tls-key-file', pki.keyFile, '--tls-ca-cert-file', pki.caFile, '--tls-auth-clients', 'no',
  ], port);
  await waitForPort(port, 10_000, peer.child);
  return { port, url: `rediss://127.0.0.1:${port}`, peer };
}

t.test('two ut-tls ap processes on a TLS-only Redis (rediss://): the session made on A resumes on B', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const redis = await startRedisTls(t);
  const store = { type: 'redis', url: redis.url, prefix: 'farm-tls:', timeoutMs: 2000, tls: { ca: pki.caFile, servername: 'localhost' } };
  const file = writeConfig(dir, twoHostConfig(as1.url, as1.url, { reauthentication: 'trust', sessionStore: store }));
  const [a, b] = await Promise.all([startNode(t, file), startNode(t, file)]);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');

  const full = await ueGet({ port: a.port, ca, servername: SN }, '/on-a', ALICE);
  t.equal(full.status, 200);
  t.equal(full.resumed, false);
  const onB = await ueGet({ port: b.port, ca, servername: SN, session: full.session! }, '/on-b');
  t.equal(onB.resumed, true, 'resumed on node B through the TLS Redis');
  t.equal(onB.status, 200, 'with its authentication record');
  t.equal(as1.seen.at(-1)!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"');

  const rc = new RespClient({ host: '127.0.0.1', port: redis.port, timeoutMs: 2000, connectTimeoutMs: 2000, tls: { ca: pki.caPem, servername: 'localhost' } });
  t.teardown(() => rc.close());
  const key = `farm-tls:s:${Buffer.from(full.session!.id).toString('hex')}`;
  t.type(await rc.command(['GET', key]), Buffer, 'the session is in Redis, read back over TLS');
  const ttl = Number(await rc.command(['PTTL', key]));
  t.ok(ttl > 0 && ttl <= 24 * 3600_000, `with a TTL within 24 h (${ttl} ms)`);
  for (const node of [a, b]) t.notMatch(node.peer.stderr(), /full handshakes/, 'no store trouble reported');
});

t.test('a rediss:// store that does not trust Redis\' certificate: misses within its deadline, and says so', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const redis = await startRedisTls(t);
  const lines: string[] = [];
  const wrongCa = readFileSync(join(dir, 'ca.pem'), 'utf8'); // the AP demo CA did not sign Redis' certificate
  const store = new RedisSessionStore({ url: redis.url, timeoutMs: 500, tls: { ca: wrongCa, servername: 'localhost' }, log: (l) => lines.push(l) });
  t.teardown(() => store.close());
  const got = await store.get(new Uint8Array(32).fill(1));
  t.equal(got, undefined, 'a miss: the handshake would go on as a full one');
  t.equal(lines.length, 1, 'one report');
  t.match(lines[0], /serving with full handshakes/);
});

t.test('configuration: tls only with rediss://, cert and key together, unreadable files named', async (t) => {
  const dir = await demoDir(t);
  const base = { type: 'redis', url: 'rediss://127.0.0.1:6380', prefix: 'x:' };
  const load = (store: Record<string, unknown>) => loadApConfig(writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', { sessionStore: store }), 'c.json'));
  const ok = load({ ...base, tls: { ca: pki.caFile, servername: 'redis.internal' } });
  t.match(ok.sessionStore, { type: 'redis', url: base.url, tls: { ca: pki.caPem, servername: 'redis.internal' } }, 'the CA file is read at start');
  t.notOk((load(base).sessionStore as { tls?: unknown }).tls, 'rediss:// without tls: the system CAs');
  t.throws(() => load({ ...base, url: 'redis://127.0.0.1:6379', tls: { ca: pki.caFile } }), { name: 'ApConfigError', message: /sessionStore\.tls: only with a rediss:\/\/ url/ });
  t.throws(() => load({ ...base, tls: { cert: pki.certFile } }), { name: 'ApConfigError', message: /sessionStore\.tls: cert and key go together/ });
  t.throws(() => load({ ...base, tls: { ca: join(dir, 'missing.pem') } }), { name: 'ApConfigError', message: /sessionStore\.tls\.ca: cannot read .*missing\.pem/ });
  t.throws(() => load({ ...base, tls: { cafile: pki.caFile } }), { name: 'ApConfigError', message: /cafile/ });
  t.throws(() => load({ ...base, url: 'http://127.0.0.1:6379' }), { name: 'ApConfigError', message: /sessionStore\.url/ });
});
