/**
 * Issue 19 item 4: TLSAlertError carries a structured `rule` beside its reason text. The profile's
 * refusal sites name theirs ('TS33.141-7.2(a)-anonymous-only', ...); elsewhere it is read off the
 * clause the reason starts with; an alert the peer sent has none. The reason text stays as it was.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { FFDHE2048, validateDhPublic } from '../../lib/crypto/dh.js';
import { TLSAlertError, ruleOfReason } from '../../lib/errors.js';
import { makePair } from '../helpers/engine-pair.js';
import { clientHelloRecord, lonelyServer } from '../helpers/raw-server.js';

t.test('ruleOfReason reads the clause a reason starts with', async (t) => {
  t.equal(ruleOfReason('RFC 2246 7.4.1.3: no cipher suite in common'), 'RFC2246-7.4.1.3');
  t.equal(ruleOfReason('TS 33.141 7.2(a): client offered only anonymous suites'), 'TS33.141-7.2(a)');
  t.equal(ruleOfReason('TS 33.141 6: client offered version 0x300; TLS 1.0 or later is required'), 'TS33.141-6');
  t.equal(ruleOfReason('WAP-219 6.4: client certificates must carry RSA keys'), 'WAP-219-6.4');
  t.equal(ruleOfReason('RFC 6066 3: server_name HostName must be an ASCII DNS name'), 'RFC6066-3');
  t.equal(ruleOfReason('unknown content type 99'), undefined, 'no clause, no rule');
  t.equal(ruleOfReason('see RFC 2246 7.4: later'), undefined, 'only a leading clause counts');
});

const refusals: { name: string; suites: number[]; options?: Record<string, unknown>; alert: number; rule: string; reason: RegExp }[] = [
  { name: 'only anonymous suites', suites: [0x0017, 0x0018, 0x001b, 0x0034], alert: AlertDescription.handshake_failure, rule: 'TS33.141-7.2(a)-anonymous-only', reason: /^TS 33\.141 7\.2\(a\): client offered only anonymous suites$/ },
  { name: 'only TLS_NULL_WITH_NULL_NULL', suites: [0x0000], alert: AlertDescription.handshake_failure, rule: 'TS33.141-7.2(b)-no-integrity', reason: /^TS 33\.141 7\.2\(b\)/ },
  { name: 'only NULL encryption', suites: [0x0001, 0x0002], alert: AlertDescription.handshake_failure, rule: 'TS33.141-7.2(c)-no-encryption', reason: /^TS 33\.141 7\.2\(c\)/ },
  {
    name: 'only weak suites under requireEncryption128',
    suites: [0x0003, 0x0009],
    options: { requireEncryption128: true },
    alert: AlertDescription.insufficient_security,
    rule: 'TS33.141-7.2(d)-below-128-bits',
    reason: /^TS 33\.141 7\.2\(d\)/,
  },
  { name: 'no suite in common', suites: [0x0005], options: { cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] }, alert: AlertDescription.handshake_failure, rule: 'RFC2246-7.4.1.3-no-common-suite', reason: /^RFC 2246 7\.4\.1\.3: no cipher suite in common$/ },
];

for (const c of refusals) {
  t.test(`the AP's refusal names its rule: ${c.name}`, async (t) => {
    const s = await lonelyServer(c.options ?? {});
    s.conn.receive(clientHelloRecord({ cipherSuites: c.suites }));
    const err = s.errors[0];
    t.ok(err instanceof TLSAlertError);
    t.equal((err as TLSAlertError).alert, c.alert);
    t.equal((err as TLSAlertError).rule, c.rule);
    t.match((err as TLSAlertError).reason, c.reason, 'the reason text is unchanged');
  });
}

t.test('a refusal without a named rule gets the clause of its reason', async (t) => {
  const s = await lonelyServer();
  s.conn.receive(clientHelloRecord({ compressionMethods: [1] }));
  const err = s.errors[0] as TLSAlertError;
  t.equal(err.alert, AlertDescription.illegal_parameter);
  t.equal(err.rule, 'RFC2246-7.4.1.2');
  t.match(err.reason, /null compression method/);
});

t.test('the alert the peer sent carries no rule; ours does', async (t) => {
  const p = await makePair({ cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] }, { cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
  p.client.conn.start();
  p.flush();
  const ours = p.server.errors[0] as TLSAlertError;
  const theirs = p.client.errors[0] as TLSAlertError;
  t.equal(ours.rule, 'RFC2246-7.4.1.3-no-common-suite');
  t.equal(theirs.sent, false);
  t.equal(theirs.alert, AlertDescription.handshake_failure);
  t.equal(theirs.rule, undefined);
});

t.test('the DH checks name theirs', async (t) => {
  try {
    validateDhPublic(FFDHE2048.p, Uint8Array.of(1));
    t.fail('Y = 1 accepted');
  } catch (err) {
    t.equal((err as TLSAlertError).rule, 'RFC7919-5.1-public-value-range');
    t.equal((err as TLSAlertError).alert, AlertDescription.illegal_parameter);
  }
});
