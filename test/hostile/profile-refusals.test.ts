/**
 * Issue 21 item 11: the node-style option path (cipherSuites / ciphers) refuses anonymous DH and
 * TLS_NULL_WITH_NULL_NULL by naming TS 33.141 6.3 / 6.2, not as "not implemented".
 */
import t from 'tap';
import { parseCipherSuites } from '../../lib/socket/options.js';
import { TLSConfigError } from '../../lib/errors.js';

const cases: [string | number, RegExp][] = [
  ['TLS_DH_anon_WITH_AES_128_CBC_SHA', /TS 33\.141 6\.3/],
  ['TLS_DH_anon_WITH_3DES_EDE_CBC_SHA', /TS 33\.141 6\.3/],
  ['TLS_NULL_WITH_NULL_NULL', /TS 33\.141 6\.2/],
  [0x0000, /TS 33\.141 6\.2/],
];
for (const [suite, clause] of cases) {
  t.test(`cipherSuites ${String(suite)} names ${clause.source}`, async (t) => {
    for (const run of [() => parseCipherSuites([suite]), () => parseCipherSuites(undefined, String(suite))]) {
      if (typeof suite === 'number' && run === undefined) continue;
      try {
        typeof suite === 'number' ? parseCipherSuites([suite]) : run();
        t.fail('accepted');
      } catch (err) {
        t.ok(err instanceof TLSConfigError, 'a TLSConfigError');
        t.match((err as Error).message, clause);
        t.notMatch((err as Error).message, /not implemented/);
      }
    }
  });
}
