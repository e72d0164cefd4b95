/**
 * Issue 19 item 4: parseSuiteList is the one suite-list parser. The engine (resolveSuites), the socket
 * options (parseCipherSuites: cipherSuites and node's `ciphers`) and the CLI's --suites give the same
 * suites, in the same order, and refuse the same lists for the same reason. The CLI's extra lists are
 * filters over CIPHER_SUITES, not lists of their own.
 */
import t from 'tap';
import { DEFAULT_SERVER_SUITES, DHE_SERVER_SUITES, NULL_ENCRYPTION_SUITES, parseSuiteList, resolveSuites } from '../../lib/policy/suite-selection.js';
import { parseCipherSuites } from '../../lib/socket/options.js';
import { TLSConfigError } from '../../lib/errors.js';
import { CIPHER_SUITES } from '../../lib/suites.js';

const accepted: (string | (string | number)[])[] = [
  'DES-CBC3-SHA:RC4-SHA',
  'tls_rsa_with_aes_128_cbc_sha, AES256-SHA',
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 0x0005, 'des-cbc3-sha'],
  'EDH-RSA-DES-CBC3-SHA AES128-SHA',
];

t.test('every path gives the same ids in the same order', async (t) => {
  for (const list of accepted) {
    const ids = parseSuiteList(list).map((s) => s.id);
    t.same(resolveSuites(list, 'client').map((s) => s.id), ids, `engine: ${String(list)}`);
    t.same(parseCipherSuites(list), ids, `socket cipherSuites: ${String(list)}`);
    if (typeof list === 'string') t.same(parseCipherSuites(undefined, `${list}:@SECLEVEL=0`), ids, `socket ciphers: ${list}`);
  }
  t.same(parseSuiteList(['DES-CBC3-SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA']).length, 1, 'a repeat (another spelling) is dropped');
});

t.test('every path refuses the same lists, naming the same rule', async (t) => {
  const refused: [string, RegExp][] = [
    ['NOT-A-SUITE', /unknown cipher suite "NOT-A-SUITE"/],
    ['ADH-AES128-SHA', /TS 33\.141 6\.3/],
    ['TLS_NULL_WITH_NULL_NULL', /TS 33\.141 6\.2/],
    ['IDEA-CBC-SHA', /not implemented/],
    [',', /empty/],
  ];
  for (const [list, reason] of refused) {
    for (const [path, run] of [
      ['parseSuiteList', () => parseSuiteList(list)],
      ['resolveSuites', () => resolveSuites(list, 'server')],
      ['socket cipherSuites', () => parseCipherSuites(list)],
      ['socket ciphers', () => parseCipherSuites(undefined, list)],
    ] as const) {
      t.throws(run, TLSConfigError, `${path} refuses ${list}`);
      t.throws(run, { message: reason }, `${path}: ${list} -> ${reason.source}`);
    }
  }
});

t.test('the CLI server lists are filters over CIPHER_SUITES', async (t) => {
  t.same(
    DHE_SERVER_SUITES.map((s) => s.name),
    ['TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA'],
    '--dhe: the DHE_RSA twin of each default AP suite, in the AP order (RC4 has none)',
  );
  t.equal(DHE_SERVER_SUITES.length, DEFAULT_SERVER_SUITES.filter((s) => s.cipher !== 'RC4_128').length);
  t.same(NULL_ENCRYPTION_SUITES.map((s) => s.name), ['TLS_RSA_WITH_NULL_SHA', 'TLS_RSA_WITH_NULL_MD5'], '--allow-null: SHA before MD5');
  for (const s of [...DHE_SERVER_SUITES, ...NULL_ENCRYPTION_SUITES]) t.ok(CIPHER_SUITES.includes(s), `${s.name} is the table's row`);
});
