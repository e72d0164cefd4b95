/**
 * An AP farm on one real redis-server (127.0.0.1, free port, no persistence): two `ut-tls ap`
 * processes sharing the session store. A UE's full handshake on node A resumes on node B with its
 * authentication record; Redis stopped mid-run: both nodes keep serving with full handshakes (no
 * hang), each says so once; Redis back on the same port: resumption across nodes returns by itself.
 * In-process: a session older than its lifetime resumes on neither node, and a failed
 * re-authentication marked on A is honoured on B (TS 33.141 6.1.4, 7.1).
 * timeoutMs 2000 (not the 50 ms default): the test machine may be loaded, and a missed deadline would be
 * a correct full handshake but a failed assertion here.
 */
import t from 'tap';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { freePort, sleep } from '../helpers/peers.js';
import { demoDir, startApNode as startNode, startBackend, startProxy, twoHostConfig, writeConfig } from './helpers.js';
import { startRedis } from './redis.js';
import { RespClient } from '../../lib/ap/resp.js';
import { connect } from '../../lib/socket/connect.js';
import { basic, ueGet, type UeOptions } from './ue.js';

const BOUNDED = { timeout: 90_000 };
const ALICE = { authorization: basic('alice', 'alice-secret') };
const SN = 'as1.example.test';

t.test('two ut-tls ap processes on one Redis: resume across nodes; Redis down: full handshakes; Redis back: resumption again', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const redisPort = await freePort();
  let redis = await startRedis(t, redisPort);
  const cfg = twoHostConfig(as1.url, as1.url, { reauthentication: 'trust', sessionStore: { type: 'redis', url: redis.url, prefix: 'farm-test:', timeoutMs: 2000 } });
  const file = writeConfig(dir, cfg);
  const [a, b] = await Promise.all([startNode(t, file), startNode(t, file)]);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const on = (port: number, extra: Partial<UeOptions> = {}): UeOptions => ({ port, ca, servername: SN, ...extra });

  const full = await ueGet(on(a.port), '/on-a', ALICE);
  t.equal(full.status, 200);
  t.equal(full.resumed, false);
  const onB = await ueGet(on(b.port, { session: full.session! }), '/on-b');
  t.equal(onB.resumed, true, 'the session made on node A resumes on node B');
  t.equal(onB.status, 200, 'with its authentication record: no credentials needed (trust)');
  t.equal(as1.seen.at(-1)!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"', 'node B asserts the identity node A authenticated');

  await redis.stop();
  for (const node of [a, b]) {
    const r = await ueGet(on(node.port), '/redis-down', ALICE);
    t.equal(r.status, 200, 'Redis down: the node still serves');
    const again = await ueGet(on(node.port === a.port ? b.port : a.port, { session: r.session! }), '/redis-down-resume', ALICE);
    t.equal(again.resumed, false, 'nothing shared while Redis is down: a full handshake');
    t.equal(again.status, 200);
  }

  redis = await startRedis(t, redisPort);
  let resumed = false;
  for (let i = 0; i < 40 && !resumed; i++) {
    const r = await ueGet(on(a.port), '/redis-back', ALICE);
    const s = await ueGet(on(b.port, { session: r.session! }), '/redis-back-resume');
    resumed = s.resumed && s.status === 200;
    if (!resumed) await sleep(250);
  }
  t.ok(resumed, 'Redis back: resumption across nodes works again, without restarting the nodes');
  for (const node of [a, b]) {
    const err = node.peer.stderr();
    t.equal(err.match(/serving with full handshakes/g)?.length, 1, `one report while Redis was down: ${err}`);
    t.match(err, /is back/);
  }
  await redis.stop();
});

t.test('in-process nodes on one Redis: an expired session resumes nowhere; a failed re-authentication marked on A counts on B', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const redis = await startRedis(t, await freePort());
  t.teardown(() => redis.stop());
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const store = { type: 'redis', url: redis.url, prefix: 'farm-inproc:', timeoutMs: 2000 };

  const short = writeConfig(dir, twoHostConfig(as1.url, as1.url, { tls: { sessionTimeout: 1 }, sessionStore: store }), 'short.json');
  const [sa, sb] = await Promise.all([startProxy(t, short), startProxy(t, short)]);
  const first = await ueGet({ port: sa.port, ca, servername: SN }, '/', ALICE);
  t.equal((await ueGet({ port: sb.port, ca, servername: SN, session: first.session! }, '/', ALICE)).resumed, true, 'within its lifetime: resumed on B');
  await sleep(1300);
  for (const node of [sa, sb]) {
    const late = await ueGet({ port: node.port, ca, servername: SN, session: first.session! }, '/', ALICE);
    t.equal(late.resumed, false, 'past its lifetime: not resumed');
  }

  const trust = writeConfig(dir, twoHostConfig(as1.url, as1.url, { reauthentication: 'trust', sessionStore: store }), 'trust.json');
  const [ta, tb] = await Promise.all([startProxy(t, trust), startProxy(t, trust)]);
  const s = await ueGet({ port: ta.port, ca, servername: SN }, '/', ALICE);
  t.equal((await ueGet({ port: tb.port, ca, servername: SN, session: s.session! }, '/')).status, 200);
  await ta.proxy.markReauthenticationFailed('sip:alice@example.test');
  const refused = await ueGet({ port: tb.port, ca, servername: SN, session: s.session! }, '/');
  t.equal(refused.resumed, true);
  t.equal(refused.status, 401, 'node B knows the re-authentication failed on A');
  const ok = await ueGet({ port: tb.port, ca, servername: SN, session: s.session! }, '/', ALICE);
  t.equal(ok.status, 200, 're-authenticated on B');

  // RFC 2246 7.2: a fatal alert voids the session, for the whole farm. A record with a bad MAC on a
  // connection that resumed it on A: A sends bad_record_mac and deletes the session from Redis.
  const key = `farm-inproc:s:${Buffer.from(s.session!.id).toString('hex')}`;
  const rc = new RespClient({ host: '127.0.0.1', port: redis.port, timeoutMs: 2000 });
  t.teardown(() => rc.close());
  t.type(await rc.command(['GET', key]), Buffer, 'the session is in Redis');
  const raw = net.connect({ host: '127.0.0.1', port: ta.port });
  const sock = connect({ socket: raw, ca, servername: SN, session: s.session! });
  await once(sock, 'secureConnect');
  t.equal(sock.isSessionReused(), true);
  sock.on('error', () => undefined);
  const closed = once(raw, 'close');
  raw.write(Buffer.concat([Buffer.from([23, 3, 1, 0, 48]), Buffer.alloc(48, 7)])); // application_data with a bad MAC
  await closed;
  let gone = false;
  for (let i = 0; i < 40 && !gone; i++) {
    gone = (await rc.command(['GET', key])) === null;
    if (!gone) await sleep(50);
  }
  t.ok(gone, 'the fatal alert removed the session from Redis');
  t.equal((await ueGet({ port: tb.port, ca, servername: SN, session: s.session! }, '/', ALICE)).resumed, false, 'so node B does not resume it either');
});
