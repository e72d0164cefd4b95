/**
 * gbaPskCallback / gbaClientPskCallback without a handshake: which identities get a key, which are
 * refused and why (the wire tests are in gba-e2e.test.ts).
 */
import t from 'tap';
import { formatBtid, gbaClientPskCallback, gbaPskCallback, ksNaf, nafId, uaSharedKeyTls, GBA_ME_HINT, GBA_U_HINT, type GbaRefusal } from 'ut-tls/gba';

const KS = new Uint8Array(32).fill(0x11);
const RAND = new Uint8Array(16).fill(0x22);
const IMPI = 'ue@ims.example.org';
const BTID = formatBtid(RAND, 'bsf.example.org');
const SOCKET = { servername: 'naf.example.org', negotiatedCipherSuite: 0x008b };

/** A BSF stand-in: one bootstrapping session, keys derived on demand for the NAF_Id asked. */
function bsf(expiresAt: number) {
  const asked: Uint8Array[] = [];
  const lookup = (btid: string, id: Uint8Array) => {
    asked.push(id);
    return btid === BTID ? { key: ksNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: id }), expiresAt, info: { impi: IMPI } } : null;
  };
  return { lookup, asked };
}

function harness(expiresAt = 2_000, nowMs = 1_000) {
  const refusals: GbaRefusal[] = [];
  const b = bsf(expiresAt);
  const cb = gbaPskCallback({ lookup: b.lookup, now: () => nowMs, onRefused: (r) => refusals.push(r) });
  return { cb, refusals, asked: b.asked };
}

t.test('a live bootstrapping session gives Ks_NAF for NAF_Id = server_name || (01 00 01 suite)', async (t) => {
  const { cb, refusals, asked } = harness();
  const socket = { ...SOCKET };
  const key = await cb(socket, BTID);
  const id = nafId('naf.example.org', uaSharedKeyTls(0x008b));
  t.same(asked.map((a) => Buffer.from(a).toString('hex')), [Buffer.from(id).toString('hex')], 'the lookup got the NAF_Id');
  t.same(key, ksNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: id }));
  t.same(refusals, []);
  t.match(cb.authenticationOf(socket), { btid: BTID, nafFqdn: 'naf.example.org', expiresAt: 2_000, info: { impi: IMPI } });
  t.equal(cb.authenticationOf({}), undefined, 'nothing for another socket');
});

t.test('refusals: expired, unknown, malformed B-TID, no server_name, no suite, lookup failure', async (t) => {
  const expired = harness(1_000, 1_000);
  t.equal(await expired.cb({ ...SOCKET }, BTID), null);
  t.same(expired.refusals, ['expired'], 'expiresAt == now is expired');

  const h = harness();
  t.equal(await h.cb({ ...SOCKET }, formatBtid(new Uint8Array(16), 'bsf.example.org')), null);
  t.equal(await h.cb({ ...SOCKET }, 'not-a-btid'), null);
  t.equal(await h.cb({ servername: null, negotiatedCipherSuite: 0x008b }, BTID), null);
  t.equal(await h.cb({ servername: 'naf.example.org' }, BTID), null);
  t.same(h.refusals, ['unknown', 'bad-btid', 'no-naf-fqdn', 'no-cipher-suite']);

  const errs: GbaRefusal[] = [];
  const failing = gbaPskCallback({ lookup: async () => { throw new Error('BSF down'); }, onRefused: (r) => errs.push(r) });
  t.equal(await failing({ ...SOCKET }, BTID), null, 'a throwing lookup refuses, it does not crash the handshake');
  const empty = gbaPskCallback({ lookup: () => ({ key: new Uint8Array(0) }), onRefused: (r) => errs.push(r) });
  t.equal(await empty({ ...SOCKET }, BTID), null);
  t.same(errs, ['lookup-failed', 'lookup-failed']);
});

t.test('a pinned NAF FQDN and Ua protocol replace server_name and suite', async (t) => {
  let seen = '';
  const cb = gbaPskCallback({ lookup: (_b, id) => ((seen = Buffer.from(id).toString('hex')), new Uint8Array(32).fill(1)), nafFqdn: 'ap.example.org', uaProtocol: Uint8Array.of(1, 0, 0, 0, 2) });
  t.ok(await cb({}, BTID));
  t.equal(seen, Buffer.from('ap.example.org').toString('hex') + '0100000002');
  t.throws(() => gbaPskCallback({ lookup: () => null, uaProtocol: new Uint8Array(3) }), { code: 'ERR_GBA_BAD_NAF_ID' }, 'a bad pinned identifier fails at once');
  t.throws(() => gbaPskCallback({} as never), { code: 'ERR_GBA_BAD_PARAMETER' });
});

t.test('the client answers only the 3GPP hints (TS 24.109 F.3)', async (t) => {
  const me = new Uint8Array(32).fill(3);
  const ext = new Uint8Array(32).fill(4);
  const cb = gbaClientPskCallback({ btid: BTID, ksNaf: me, ksExtNaf: ext });
  t.same(cb(GBA_ME_HINT), { identity: BTID, psk: me });
  t.same(cb(GBA_U_HINT), { identity: BTID, psk: ext });
  t.equal(cb(null), null, 'no hint: not a GBA NAF');
  t.equal(cb('something-else'), null);
  t.equal(gbaClientPskCallback({ btid: BTID, ksNaf: me })(GBA_U_HINT), null, 'no GBA_U key: GBA_U hint refused');
  t.throws(() => gbaClientPskCallback({ btid: 'nope', ksNaf: me }), { code: 'ERR_GBA_BAD_BTID' });
  t.throws(() => gbaClientPskCallback({ btid: BTID }), { code: 'ERR_GBA_BAD_KEY' });
});

t.test('psk_identity with the "3GPP-bootstrapping." prefix of TS 36.508 Table 4.7H-5 is accepted too', async (t) => {
  const { cb, refusals, asked } = harness();
  const socket = { ...SOCKET };
  const key = await cb(socket, `${GBA_ME_HINT}.${BTID}`);
  t.ok(key, 'key found for the prefixed identity');
  t.equal(asked.length, 1, 'the lookup got the bare B-TID (it answers only BTID)');
  t.match(cb.authenticationOf(socket), { btid: BTID, pskIdentity: `${GBA_ME_HINT}.${BTID}` });
  t.same(refusals, []);
  const me = new Uint8Array(32).fill(3);
  t.same(gbaClientPskCallback({ btid: BTID, ksNaf: me, identityFormat: 'prefixed' })(GBA_ME_HINT), { identity: `3GPP-bootstrapping.${BTID}`, psk: me });
  t.same(gbaClientPskCallback({ btid: BTID, ksExtNaf: me, identityFormat: 'prefixed' })(GBA_U_HINT), { identity: `3GPP-bootstrapping-uicc.${BTID}`, psk: me });
});
