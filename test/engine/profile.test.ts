/**
 * TS 33.141 7.2 on the wire, with ClientHellos built by hand for what no real client sends: the AP
 * answers each refused offer with the fatal alert docs/profile.md names, and a typed error naming the case.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { assertFatalAlert, clientHelloRecord, lonelyServer } from '../helpers/raw-server.js';

const cases: { name: string; suites: number[]; options?: Record<string, unknown>; alert: number; rule: RegExp }[] = [
  { name: 'only TLS_NULL_WITH_NULL_NULL', suites: [0x0000], alert: AlertDescription.handshake_failure, rule: /TS 33\.141 7\.2\(b\)/ },
  { name: 'only the DH_anon export suites', suites: [0x0017, 0x0019], alert: AlertDescription.handshake_failure, rule: /TS 33\.141 7\.2\(a\)/ },
  { name: 'every anonymous suite, AES included', suites: [0x17, 0x18, 0x19, 0x1a, 0x1b, 0x34, 0x3a], alert: AlertDescription.handshake_failure, rule: /7\.2\(a\)/ },
  { name: 'only NULL-encryption suites', suites: [0x0001, 0x0002], alert: AlertDescription.handshake_failure, rule: /TS 33\.141 7\.2\(c\)/ },
  {
    name: 'only 40- and 56-bit suites with requireEncryption128',
    suites: [0x0003, 0x0008, 0x0009, 0x0014, 0x0015],
    options: { requireEncryption128: true },
    alert: AlertDescription.insufficient_security,
    rule: /TS 33\.141 7\.2\(d\)/,
  },
];

for (const c of cases) {
  t.test(`refused: ${c.name}`, async (t) => {
    const s = await lonelyServer(c.options ?? {});
    s.conn.receive(clientHelloRecord({ cipherSuites: c.suites }));
    assertFatalAlert(t, s.wire(), c.alert);
    const err = s.errors[0] as TLSAlertError;
    t.equal(err.alert, c.alert);
    t.match(err.reason, c.rule);
    t.equal(s.wire().length, 7, 'nothing but the alert was sent');
  });
}

t.test('accepted: a mix of forbidden suites and one acceptable suite', async (t) => {
  const s = await lonelyServer({ requireEncryption128: true });
  s.conn.receive(clientHelloRecord({ cipherSuites: [0x0000, 0x0017, 0x0001, 0x0009, 0x000a] }));
  const w = s.wire();
  t.equal(w[5], HandshakeType.server_hello);
  t.same(s.errors, []);
});
