/**
 * GBA plugged into the Authentication Proxy (issue 20 item 4, TS 33.222 5.4 + TS 33.141 6.1.1): the
 * UE authenticates with shared-key TLS (psk_identity = B-TID, key = Ks_NAF for NAF_Id = the virtual
 * host's FQDN || (0x01,0x00,0x01,suite)); the AP takes the B-TID as the authenticated identity, maps
 * it to IMPUs through the lookup, and asserts one of them towards the trusted AS only. On the wire:
 * real sockets, a ut-tls UE, plain-HTTP ASs.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createProxy, gbaAuthenticator, loadApConfig } from '../../lib/ap/index.js';
import { formatBtid, gbaClientPskCallback, ksNaf, nafId, uaSharedKeyTls } from 'ut-tls/gba';
import { demoDir, startBackend, twoHostConfig, writeConfig, type Teardown } from './helpers.js';
import { ueConnect } from './ue.js';

const IMPI = 'alice.private@ims.example.test';
const SESSION = { ks: new Uint8Array(32).map((_, i) => 255 - i), rand: new Uint8Array(16).map((_, i) => i * 3), impi: IMPI };
const BTID = formatBtid(SESSION.rand, 'bsf.example.test');
const SUITE = 'TLS_PSK_WITH_3DES_EDE_CBC_SHA';
const IMPUS = ['sip:alice@example.test', 'tel:+15551234'];

async function setup(t: Teardown, expiresAt: number) {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const file = writeConfig(dir, twoHostConfig(as1.url, as2.url, { tls: { ciphers: `${SUITE}:TLS_RSA_WITH_3DES_EDE_CBC_SHA` } }));
  const btidsAsked: string[] = [];
  const authenticator = gbaAuthenticator({
    lookup: (btid, id) => (btid === BTID ? { key: ksNaf({ ...SESSION, nafId: id }), expiresAt } : null),
    identities: (btid) => (btidsAsked.push(btid), btid === BTID ? IMPUS : null),
  });
  const proxy = createProxy(loadApConfig(file), { authenticator, log: () => {} });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => { proxy.closeAllConnections(); proxy.close(() => resolve()); }));
  return { as1, as2, port: (proxy.address() as AddressInfo).port, ca: readFileSync(join(dir, 'ca.pem'), 'utf8'), btidsAsked };
}

/** The UE's key for the virtual host it names in server_name. */
const ueKey = (fqdn: string) => ksNaf({ ...SESSION, nafId: nafId(fqdn, uaSharedKeyTls(0x008b)) });

t.test('a GBA-authenticated UE gets its IMPU asserted at the trusted AS only', { timeout: 30_000 }, async (t) => {
  const s = await setup(t, Date.now() + 3_600_000);
  const ue = await ueConnect({ port: s.port, ca: s.ca, servername: 'as1.example.test', cipherSuites: [SUITE], pskCallback: gbaClientPskCallback({ btid: BTID, ksNaf: ueKey('as1.example.test') }) });
  t.teardown(() => ue.close());
  t.equal(ue.socket.getCipher()?.standardName, SUITE);
  const r1 = await ue.get('/one', { 'x-3gpp-intended-identity': '"tel:+15551234"' });
  t.equal(r1.status, 200);
  t.equal(s.as1.seen[0]?.headers['x-3gpp-asserted-identity'], '"tel:+15551234"', 'the intended IMPU is asserted');
  const r2 = await ue.get('/two');
  t.equal(r2.status, 200);
  t.equal(s.as1.seen[1]?.headers['x-3gpp-asserted-identity'], '"sip:alice@example.test"', 'the first IMPU is the default');
  const r3 = await ue.get('/three', { 'x-3gpp-intended-identity': '"sip:mallory@example.test"' });
  t.equal(r3.status, 403, 'an identity that is not the B-TID subscriber\'s is refused');
  t.same(s.btidsAsked, [BTID], 'the IMPU lookup ran once, for the B-TID of the handshake (the record covers the rest)');

  const ue2 = await ueConnect({ port: s.port, ca: s.ca, servername: 'as2.example.test', cipherSuites: [SUITE], pskCallback: gbaClientPskCallback({ btid: BTID, ksNaf: ueKey('as2.example.test') }) });
  t.teardown(() => ue2.close());
  t.equal((await ue2.get('/x')).status, 200);
  t.equal(s.as2.seen[0]?.headers['x-3gpp-asserted-identity'], undefined, 'nothing asserted to the untrusted AS');
});

t.test('the B-TID key of another virtual host does not open this one; an expired session is refused', { timeout: 30_000 }, async (t) => {
  const s = await setup(t, Date.now() + 3_600_000);
  await t.rejects(ueConnect({ port: s.port, ca: s.ca, servername: 'as1.example.test', cipherSuites: [SUITE], pskCallback: gbaClientPskCallback({ btid: BTID, ksNaf: ueKey('as2.example.test') }) }), 'Ks_NAF is bound to the NAF FQDN');
  const old = await setup(t, Date.now() - 1);
  await t.rejects(ueConnect({ port: old.port, ca: old.ca, servername: 'as1.example.test', cipherSuites: [SUITE], pskCallback: gbaClientPskCallback({ btid: BTID, ksNaf: ueKey('as1.example.test') }) }), 'expired bootstrapping session');
  t.same([...s.as1.seen, ...old.as1.seen], [], 'no request reached an AS');
});

t.test('ap.json "authenticator": {"type": "gba", "file"}: a lab file of bootstrapping sessions', { timeout: 30_000 }, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  writeConfig(dir, {
    sessions: [{ btid: BTID, ks: Buffer.from(SESSION.ks).toString('hex'), impi: IMPI, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), identities: IMPUS, default: 'tel:+15551234' }],
  }, 'gba.json');
  const file = writeConfig(dir, twoHostConfig(as1.url, as2.url, { tls: { ciphers: `${SUITE}:TLS_RSA_WITH_3DES_EDE_CBC_SHA` }, authenticator: { type: 'gba', file: 'gba.json' } }));
  const { startProxy } = await import('./helpers.js');
  const { port } = await startProxy(t, file);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const ue = await ueConnect({ port, ca, servername: 'as1.example.test', cipherSuites: [SUITE], pskCallback: gbaClientPskCallback({ btid: BTID, ksNaf: ueKey('as1.example.test') }) });
  t.teardown(() => ue.close());
  t.equal((await ue.get('/lab')).status, 200);
  t.equal(as1.seen[0]?.headers['x-3gpp-asserted-identity'], '"tel:+15551234"', 'the file\'s default identity is asserted');

  const bad = (sessions: unknown, key: RegExp) => {
    writeConfig(dir, { sessions }, 'bad.json');
    const f = writeConfig(dir, twoHostConfig(as1.url, as2.url, { authenticator: { type: 'gba', file: 'bad.json' } }), 'bad-ap.json');
    t.throws(() => createProxy(loadApConfig(f)), { name: 'ApConfigError', message: key });
  };
  const ok = { btid: BTID, ks: '00'.repeat(32), impi: IMPI, expiresAt: '2030-01-01T00:00:00Z', identities: IMPUS };
  bad([{ ...ok, btid: 'nope' }], /sessions\[0\]\.btid/);
  bad([{ ...ok, ks: 'abcd' }], /sessions\[0\]\.ks/);
  bad([{ ...ok, expiresAt: 'soon' }], /sessions\[0\]\.expiresAt/);
  bad([{ ...ok, identities: ['mailto:x@y'] }], /sessions\[0\]\.identities/);
  bad('x', /sessions: expected a list/);
  t.throws(() => loadApConfig(writeConfig(dir, twoHostConfig(as1.url, as2.url, { authenticator: { type: 'gba' } }), 'nofile.json')), { message: /authenticator\.file/ });
});
