/**
 * TS 33.141 6.1.4 on the wire: a UE resuming a session after a failed network-initiated
 * re-authentication is authenticated again before any request reaches an AS ('trust' and
 * 'authenticate'), or sent back to a full handshake ('refuse'); the session itself stays resumable.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir, startBackend, startProxy, twoHostConfig, writeConfig } from './helpers.js';
import { basic, ueConnect, ueGet } from './ue.js';

const BOUNDED = { timeout: 60_000 };
const ALICE = { authorization: basic('alice', 'alice-secret') };
const SN = 'as1.example.test';

async function setup(t: Test, mode?: string) {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const { proxy, port } = await startProxy(t, writeConfig(dir, twoHostConfig(as1.url, as1.url, mode ? { reauthentication: mode } : {})));
  return { as1, proxy, port, ca: readFileSync(join(dir, 'ca.pem'), 'utf8') };
}

t.test("'trust': the record of a resumed session grants access until a re-authentication fails, then only fresh credentials do", BOUNDED, async (t) => {
  const { as1, proxy, port, ca } = await setup(t, 'trust');
  const first = await ueGet({ port, ca, servername: SN }, '/full', ALICE);
  t.equal(first.status, 200);
  t.equal(first.resumed, false);
  const session = first.session!;

  const trusted = await ueGet({ port, ca, servername: SN, session }, '/trusted');
  t.equal(trusted.resumed, true);
  t.equal(trusted.status, 200, 'resumed without credentials: the stored record authenticates');
  t.equal(as1.seen.at(-1)!.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"');

  await proxy.markReauthenticationFailed('tel:+15550100'); // one of alice's identities
  const seen = as1.seen.length;
  const c = await ueConnect({ port, ca, servername: SN, session });
  t.teardown(() => c.close());
  t.equal(c.socket.isSessionReused(), true, '6.1.4: the session is still valid and resumed');
  const refused = await c.get('/after-failure');
  t.equal(refused.status, 401, 'the old record no longer grants access');
  t.match(refused.headers['www-authenticate'], /^Basic /);
  t.equal(as1.seen.length, seen, 'nothing reached the AS');
  const wrong = await c.get('/wrong', { authorization: basic('alice', 'nope') });
  t.equal(wrong.status, 401, 'unsuccessful authentication: still no access');
  const again = await c.get('/reauthenticated', ALICE);
  t.equal(again.status, 200, 'successful re-authentication gives access');
  const next = await c.get('/next');
  t.equal(next.status, 200, 'the fresh record covers the following requests on the connection');
  c.close();

  const later = await ueGet({ port, ca, servername: SN, session }, '/later');
  t.equal(later.resumed, true);
  t.equal(later.status, 200, 'the record made after the failure grants access on the next resumption');
  t.same(as1.seen.slice(seen).map((s) => s.url), ['/reauthenticated', '/next', '/later']);
});

t.test("a re-authentication failing while the UE is connected: the next request on that connection is authenticated again", BOUNDED, async (t) => {
  const { as1, proxy, port, ca } = await setup(t, 'trust');
  const c = await ueConnect({ port, ca, servername: SN });
  t.teardown(() => c.close());
  t.equal((await c.get('/a', ALICE)).status, 200);
  t.equal((await c.get('/b')).status, 200, 'the record of this handshake covers later requests');
  await proxy.markReauthenticationFailed('sip:alice@example.test');
  t.equal((await c.get('/c')).status, 401);
  t.same(as1.seen.map((s) => s.url), ['/a', '/b']);
});

t.test("'authenticate' (default): every resumed session is authenticated again", BOUNDED, async (t) => {
  const { as1, port, ca } = await setup(t);
  const first = await ueGet({ port, ca, servername: SN }, '/full', ALICE);
  const c = await ueConnect({ port, ca, servername: SN, session: first.session! });
  t.teardown(() => c.close());
  t.equal(c.socket.isSessionReused(), true);
  t.equal((await c.get('/no-credentials')).status, 401);
  t.equal((await c.get('/credentials', ALICE)).status, 200);
  t.same(as1.seen.map((s) => s.url), ['/full', '/credentials']);
});

t.test("'refuse': after a failed re-authentication the resumed connection gets 403 + close and the session is gone", BOUNDED, async (t) => {
  const { as1, proxy, port, ca } = await setup(t, 'refuse');
  const first = await ueGet({ port, ca, servername: SN }, '/full', ALICE);
  const session = first.session!;
  t.equal((await ueGet({ port, ca, servername: SN, session }, '/trusted')).status, 200);
  await proxy.markReauthenticationFailed('sip:alice@example.test');
  const refused = await ueGet({ port, ca, servername: SN, session }, '/refused', ALICE);
  t.equal(refused.resumed, true);
  t.equal(refused.status, 403, 'even with credentials: reconnect with a full handshake');
  t.equal(refused.headers.connection, 'close');
  const full = await ueGet({ port, ca, servername: SN, session }, '/full-again', ALICE);
  t.equal(full.resumed, false, 'the session was removed: a full handshake');
  t.equal(full.status, 200);
  t.same(as1.seen.map((s) => s.url), ['/full', '/trusted', '/full-again']);
});
