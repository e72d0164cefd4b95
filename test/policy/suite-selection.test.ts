/**
 * TS 33.141 6.2, 6.3 and 7.2 as pure functions over suite lists.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { DEFAULT_CLIENT_SUITES, DEFAULT_SERVER_SUITES, resolveSuites, selectServerSuite } from '../../lib/policy/suite-selection.js';
import { CIPHER_SUITES, suiteByName } from '../../lib/suites.js';

const id = (name: string): number => suiteByName(name)!.id;
/** The pattern a TLSAlertError must match (tap's typings want an Error-shaped object). */
const alertLike = (fields: { alert?: number; reason?: RegExp }): Error => fields as unknown as Error;
const DH_ANON = CIPHER_SUITES.filter((s) => s.anonymous);

t.test('defaults: the UE offers 3DES first; the AP prefers AES-256, AES-128, 3DES, RC4', async (t) => {
  t.same(DEFAULT_CLIENT_SUITES.map((s) => s.openssl), ['DES-CBC3-SHA', 'AES128-SHA', 'AES256-SHA', 'RC4-SHA']);
  t.same(DEFAULT_SERVER_SUITES.map((s) => s.openssl), ['AES256-SHA', 'AES128-SHA', 'DES-CBC3-SHA', 'RC4-SHA']);
  t.ok(DEFAULT_SERVER_SUITES.some((s) => s.name === 'TLS_RSA_WITH_RC4_128_SHA') && DEFAULT_SERVER_SUITES.some((s) => s.name === 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'), 'TS 33.141 6.2 mandatory AP suites');
});

t.test('the suite table knows every RFC 2246 and RFC 3268 suite, with the anonymous AES ones', async (t) => {
  t.equal(CIPHER_SUITES.filter((s) => s.rfc !== 'RFC 4279').length, 40);
  t.equal(CIPHER_SUITES.filter((s) => s.rfc === 'RFC 4279').length, 12, 'and the 12 RFC 4279 suites');
  t.same(DH_ANON.map((s) => s.id), [0x17, 0x18, 0x19, 0x1a, 0x1b, 0x34, 0x3a], 'TS 33.141 6.3 list plus RFC 3268 anonymous AES');
  t.equal(suiteByName('TLS_RSA_WITH_3DES_EDE_CBC_SHA')!.id, 0x000a);
  t.equal(suiteByName('rc4-sha')!.name, 'TLS_RSA_WITH_RC4_128_SHA', 'OpenSSL names, any case');
});

t.test('configuration: anonymous, NULL-MAC and unknown suites are refused at construction', async (t) => {
  for (const s of DH_ANON) {
    t.throws(() => resolveSuites([s.name], 'client'), { code: 'ERR_TLS_INVALID_CONFIG', message: /TS 33\.141 6\.3/ }, s.name);
    t.throws(() => resolveSuites([s.name], 'server'), { code: 'ERR_TLS_INVALID_CONFIG', message: /TS 33\.141 6\.3/ }, s.name);
  }
  t.throws(() => resolveSuites(['TLS_NULL_WITH_NULL_NULL'], 'server'), /NULL integrity/);
  t.throws(() => resolveSuites(['NOT-A-SUITE'], 'client'), /unknown cipher suite/);
  t.throws(() => resolveSuites(['TLS_RSA_WITH_IDEA_CBC_SHA'], 'client'), /not implemented/);
  t.throws(() => resolveSuites(['TLS_RSA_WITH_NULL_SHA'], 'server'), /allowNullEncryption/);
  t.throws(() => resolveSuites(['TLS_RSA_WITH_NULL_SHA'], 'client', { allowNullEncryption: true }), /TS 33\.141 6\.2: the UE must offer at least one suite with encryption/);
  t.same(resolveSuites('DES-CBC3-SHA:RC4-SHA', 'client').map((s) => s.id), [0x0a, 0x05], 'an OpenSSL-style string');
  t.same(resolveSuites(['TLS_RSA_WITH_NULL_SHA', 'DES-CBC3-SHA'], 'client', { allowNullEncryption: true }).length, 2);
});

t.test('TS 33.141 7.2(a): only anonymous suites offered', async (t) => {
  t.throws(() => selectServerSuite(DH_ANON.map((s) => s.id), DEFAULT_SERVER_SUITES), alertLike({ alert: AlertDescription.handshake_failure, reason: /7\.2\(a\)/ }));
  t.throws(() => selectServerSuite([0x17, 0x19], DEFAULT_SERVER_SUITES), alertLike({ reason: /7\.2\(a\)/ }), 'only the DH_anon export suites');
});

t.test('TS 33.141 7.2(b): no offered suite has integrity protection', async (t) => {
  t.throws(() => selectServerSuite([0x0000], DEFAULT_SERVER_SUITES), alertLike({ alert: AlertDescription.handshake_failure, reason: /7\.2\(b\)/ }), 'only TLS_NULL_WITH_NULL_NULL');
});

t.test('TS 33.141 7.2(c): no offered suite has encryption', async (t) => {
  t.throws(() => selectServerSuite([0x0001, 0x0002], DEFAULT_SERVER_SUITES), alertLike({ alert: AlertDescription.handshake_failure, reason: /7\.2\(c\)/ }));
  const withNull = resolveSuites(['TLS_RSA_WITH_NULL_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'], 'server', { allowNullEncryption: true });
  t.throws(() => selectServerSuite([0x0002], withNull), alertLike({ reason: /7\.2\(c\)/ }), 'even a server that allows NULL encryption refuses a NULL-only offer');
  t.equal(selectServerSuite([0x0002, 0x002f], withNull).name, 'TLS_RSA_WITH_NULL_SHA', 'a mixed offer may get the NULL suite when the AP prefers it');
});

t.test('TS 33.141 7.2(d): operator policy requires 128-bit encryption', async (t) => {
  const weak = [0x0003, 0x0006, 0x0008, 0x0009, 0x0014, 0x0015]; // 40- and 56-bit suites
  t.throws(() => selectServerSuite(weak, DEFAULT_SERVER_SUITES, { requireEncryption128: true }), alertLike({ alert: AlertDescription.insufficient_security, reason: /7\.2\(d\)/ }));
  t.throws(() => selectServerSuite(weak, DEFAULT_SERVER_SUITES), alertLike({ alert: AlertDescription.handshake_failure, reason: /no cipher suite in common/ }), 'without the policy: just no common suite');
  const desOnly = resolveSuites(['TLS_RSA_WITH_3DES_EDE_CBC_SHA'], 'server');
  t.equal(selectServerSuite([0x0009, 0x000a], desOnly, { requireEncryption128: true }).id, 0x000a, '3DES (168 bits) passes');
});

t.test('a mix with one acceptable suite is accepted; unknown and signalling values are ignored', async (t) => {
  t.equal(selectServerSuite([0x0017, 0x0000, 0xfefe, 0x00ff, 0x5600, id('RC4-SHA')], DEFAULT_SERVER_SUITES).name, 'TLS_RSA_WITH_RC4_128_SHA');
  t.equal(selectServerSuite([id('RC4-SHA'), id('AES256-SHA')], DEFAULT_SERVER_SUITES).name, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'server preference order');
  t.throws(() => selectServerSuite([], DEFAULT_SERVER_SUITES), alertLike({ reason: /no cipher suite in common/ }));
});
