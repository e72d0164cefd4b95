/**
 * ut-tls/gba key derivation against a second, independent implementation of TS 33.220 B.2/B.3 written
 * here with node:crypto, and against values frozen from a third one (Python's hmac, run once while
 * writing this test). No published Ks_NAF vector exists as far as we found (TS 33.220 has none); the
 * inputs are the TS 35.208 Milenage test set 1 outputs, so Ks = CK || IK is a real AKA result:
 *   RAND 23553cbe9637a89d218ae64dae47bf35, CK b40ba9a3c58b2a05bbf0d987b21bf8cb,
 *   IK f769bcd751044604127672711c6d3441 (TS 35.208 4.3, test set 1; also TS 35.207).
 */
import t from 'tap';
import { createHmac } from 'node:crypto';
import { gbaKdf, kdfInput, ksNaf, ksExtNaf, ksIntNaf, nafId, uaSharedKeyTls, UA_HTTP_DIGEST } from 'ut-tls/gba';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const CK = hex('b40ba9a3c58b2a05bbf0d987b21bf8cb');
const IK = hex('f769bcd751044604127672711c6d3441');
const RAND = hex('23553cbe9637a89d218ae64dae47bf35');
const KS = Uint8Array.from([...CK, ...IK]);
const IMPI = 'user@ims.mnc001.mcc001.3gppnetwork.org';

/** TS 33.220 B.2 from the spec text, independently: HMAC-SHA-256(Key, FC || P0 || L0 || ...). */
function referenceKdf(key: Uint8Array, fc: number, ...params: (string | Uint8Array)[]): string {
  const parts: Buffer[] = [Buffer.of(fc)];
  for (const p of params) {
    const b = typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p);
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    parts.push(b, len);
  }
  return createHmac('sha256', key).update(Buffer.concat(parts)).digest('hex');
}

t.test('S = FC || P0 || L0 || P1 || L1 with 2-byte big-endian lengths', async (t) => {
  const s = kdfInput(0x01, ['gba-me', Uint8Array.of(0xaa, 0xbb, 0xcc)]);
  t.equal(toHex(s), '01' + Buffer.from('gba-me').toString('hex') + '0006' + 'aabbcc' + '0003');
  t.equal(toHex(kdfInput(0x7f, [new Uint8Array(0x0102)])).slice(-4), '0102', 'L is big-endian');
  t.equal(toHex(kdfInput(0x01, ['é'])), '01c3a90002', 'character strings are UTF-8 (B.2.1)');
});

t.test('gbaKdf equals the node:crypto reference for several inputs', async (t) => {
  const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  for (const [fc, params] of [
    [0x01, ['gba-me', RAND, IMPI, 'naf.example.org']],
    [0x02, []],
    [0xff, [new Uint8Array(300).fill(7), '']],
  ] as const) {
    t.equal(toHex(gbaKdf(key, fc, params)), referenceKdf(key, fc, ...params), `FC ${fc}`);
  }
});

t.test('Ks_NAF (GBA_ME) of TS 35.208 test set 1 for naf.example.org over TLS_PSK_WITH_3DES_EDE_CBC_SHA', async (t) => {
  const id = nafId('naf.example.org', uaSharedKeyTls(0x008b));
  t.equal(toHex(id), Buffer.from('naf.example.org').toString('hex') + '010001008b', 'NAF_Id = FQDN || (0x01,0x00,0x01,yy,zz)');
  const k = ksNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: id });
  t.equal(toHex(k), referenceKdf(KS, 0x01, 'gba-me', RAND, IMPI, id), 'node:crypto reference');
  t.equal(toHex(k), '3bd5929ab2d73798eb1bb6edd778767bc61733560a1219123566c05562d2554e', 'frozen (Python hmac)');
  t.same(ksExtNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: id }), k, 'Ks_ext_NAF uses "gba-me" too (TS 33.220 5.3.2)');
  const int = ksIntNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: id });
  t.equal(toHex(int), referenceKdf(KS, 0x01, 'gba-u', RAND, IMPI, id));
  t.equal(toHex(int), '4767942f6cedcb52942fbb053d59840191b6c228742850be557ca6aae5aae3c4', 'Ks_int_NAF frozen (Python hmac)');
});

t.test('the key depends on every input: another suite, NAF or protocol gives another key', async (t) => {
  const base = { ks: KS, rand: RAND, impi: IMPI };
  const a = toHex(ksNaf({ ...base, nafId: nafId('naf.example.org', uaSharedKeyTls(0x008b)) }));
  t.not(a, toHex(ksNaf({ ...base, nafId: nafId('naf.example.org', uaSharedKeyTls(0x008c)) })), 'suite');
  t.not(a, toHex(ksNaf({ ...base, nafId: nafId('naf2.example.org', uaSharedKeyTls(0x008b)) })), 'FQDN');
  t.not(a, toHex(ksNaf({ ...base, nafId: nafId('naf.example.org', UA_HTTP_DIGEST) })), 'Ua protocol');
  t.not(a, toHex(ksNaf({ ...base, impi: 'other@ims.example', nafId: nafId('naf.example.org', uaSharedKeyTls(0x008b)) })), 'IMPI');
});

t.test('bad input is a typed GbaError', async (t) => {
  const id = nafId('naf.example.org', uaSharedKeyTls(0x008b));
  const bad = (fn: () => unknown, code: string, what: string) => t.throws(fn, { name: 'GbaError', code }, what);
  bad(() => ksNaf({ ks: new Uint8Array(16), rand: RAND, impi: IMPI, nafId: id }), 'ERR_GBA_BAD_KEY', 'Ks of 16 octets');
  bad(() => ksNaf({ ks: KS, rand: new Uint8Array(15), impi: IMPI, nafId: id }), 'ERR_GBA_BAD_PARAMETER', 'RAND of 15 octets');
  bad(() => ksNaf({ ks: KS, rand: RAND, impi: '', nafId: id }), 'ERR_GBA_BAD_PARAMETER', 'empty IMPI');
  bad(() => ksNaf({ ks: KS, rand: RAND, impi: IMPI, nafId: new Uint8Array(5) }), 'ERR_GBA_BAD_NAF_ID', 'NAF_Id without FQDN');
  bad(() => kdfInput(0x01, [new Uint8Array(65536)]), 'ERR_GBA_BAD_PARAMETER', 'a parameter longer than L can say');
  bad(() => kdfInput(256, []), 'ERR_GBA_BAD_PARAMETER', 'FC of two octets');
  bad(() => gbaKdf(new Uint8Array(0), 1, []), 'ERR_GBA_BAD_KEY', 'empty key');
  bad(() => uaSharedKeyTls(0x10000), 'ERR_GBA_BAD_NAF_ID', 'suite above 0xffff');
  bad(() => nafId('naf..example', UA_HTTP_DIGEST), 'ERR_GBA_BAD_NAF_ID', 'not an FQDN');
  bad(() => nafId('naf.example.org', new Uint8Array(4)), 'ERR_GBA_BAD_NAF_ID', 'Ua identifier of 4 octets');
});
