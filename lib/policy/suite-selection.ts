/**
 * Profile rules over suite lists (TS 33.141 6.2, 6.3, 7.2), as pure functions used by both roles.
 */
import { TLSAlertError, TLSConfigError } from '../errors.js';
import { AlertDescription } from '../alerts.js';
import { CIPHER_SUITES, MACS, cipherInfo, suiteById, suiteByName, suiteHex, type CipherSuite } from '../suites.js';

const byName = (n: string): CipherSuite => suiteByName(n)!;

/** TS 33.141 6.2: the UE offers the mandated 3DES suite first, then AES, then RC4. */
export const DEFAULT_CLIENT_SUITES: readonly CipherSuite[] = [
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_RC4_128_SHA',
].map(byName);

/** The AP prefers AES-256, AES-128, then the two suites TS 33.141 6.2 makes mandatory for it. */
export const DEFAULT_SERVER_SUITES: readonly CipherSuite[] = [
  'TLS_RSA_WITH_AES_256_CBC_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_RC4_128_SHA',
].map(byName);

/**
 * The DHE_RSA twin of each default AP suite that has one, in the same order (`ut-tls server --dhe`).
 * Picked by the suite row's facts, not its name (key exchange names are compared only in suites.ts and
 * engine/key-exchange/): an implemented suite whose server signs (digitalSignature) is the ephemeral one.
 */
export const DHE_SERVER_SUITES: readonly CipherSuite[] = DEFAULT_SERVER_SUITES.flatMap((rsa) =>
  CIPHER_SUITES.filter((s) => s.implemented && s.serverKeyUsage === 'digitalSignature' && s.cipher === rsa.cipher && s.mac === rsa.mac),
);

/** The NULL-encryption (integrity only) suites ut-tls implements, the longer MAC first. */
export const NULL_ENCRYPTION_SUITES: readonly CipherSuite[] = CIPHER_SUITES.filter((s) => s.implemented && s.nullCipher).sort(
  (a, b) => MACS[b.mac].length - MACS[a.mac].length,
);

/**
 * The RFC 4279 suites a role adds to its defaults once pskCallback is set (never without: secure
 * defaults). Plain PSK first (TS 33.222 5.4, docs/profile.md), 3DES first as TS 33.141 6.2 orders the
 * UE's list; the server prefers AES as for its RSA defaults. DHE_PSK (forward secrecy) after them. No
 * RSA_PSK by default (it needs a certificate as well) and no RC4; both can be configured by name.
 */
const pskSuites = (ciphers: readonly string[]): CipherSuite[] =>
  ['PSK', 'DHE_PSK'].flatMap((kx) => ciphers.map((c) => byName(`TLS_${kx}_WITH_${c}_SHA`)));
export const DEFAULT_CLIENT_PSK_SUITES: readonly CipherSuite[] = pskSuites(['3DES_EDE_CBC', 'AES_128_CBC', 'AES_256_CBC']);
export const DEFAULT_SERVER_PSK_SUITES: readonly CipherSuite[] = pskSuites(['AES_256_CBC', 'AES_128_CBC', '3DES_EDE_CBC']);

export interface SuitePolicyOptions {
  /** Allow TLS_RSA_WITH_NULL_SHA / _MD5 (integrity only). Off by default. */
  allowNullEncryption?: boolean;
  /** A pskCallback is configured: RFC 4279 suites may be listed, and the defaults start with them. */
  psk?: boolean;
  /**
   * Server: a certificate is configured (default true). Without one the defaults keep only suites that
   * need none (PSK, DHE_PSK); ServerFlow refuses an explicit list that needs one.
   */
  certificate?: boolean;
}

/**
 * THE suite-list parser (every configured list goes through it: engine options, the socket's
 * `cipherSuites` / `ciphers`, the CLI's --suites): names (RFC or OpenSSL, any case) or ids, as a list or
 * one string separated by commas, colons or white space. Refuses an unknown name, what the profile
 * forbids whatever the options (naming the clause, before "not implemented"), and what ut-tls does not
 * implement; drops repeats, keeps the order. Role rules (NULL encryption, defaults) are resolveSuites'.
 */
export function parseSuiteList(list: readonly (string | number)[] | string): CipherSuite[] {
  const items = typeof list === 'string' ? list.split(/[,:\s]+/) : list;
  const out: CipherSuite[] = [];
  for (const item of items) {
    if (item === '') continue; // "a,,b", a trailing separator
    const suite = typeof item === 'number' ? suiteById(item) : suiteByName(item);
    if (!suite) throw new TLSConfigError(`unknown cipher suite ${JSON.stringify(item)}`);
    const refusal = profileRefusal(suite);
    if (refusal) throw new TLSConfigError(refusal);
    if (!suite.implemented) throw new TLSConfigError(`${suite.name} (${suiteHex(suite.id)}) is not implemented by ut-tls`);
    if (!out.includes(suite)) out.push(suite);
  }
  if (out.length === 0) throw new TLSConfigError('the cipher suite list is empty');
  return out;
}

/**
 * Turns a configured list (names or ids) into suites for a role, refusing what the profile forbids.
 * Throws TLSConfigError naming the rule: configuration errors are the application's, found at construction.
 */
export function resolveSuites(
  list: readonly (string | number)[] | string | undefined,
  role: 'client' | 'server',
  options: SuitePolicyOptions = {},
): CipherSuite[] {
  if (list === undefined) {
    const base = role === 'client' ? DEFAULT_CLIENT_SUITES : DEFAULT_SERVER_SUITES;
    if (!options.psk) return [...base];
    const psk = role === 'client' ? DEFAULT_CLIENT_PSK_SUITES : DEFAULT_SERVER_PSK_SUITES;
    const withCert = role === 'client' || options.certificate !== false;
    return [...psk, ...(withCert ? base : [])];
  }
  const out = parseSuiteList(list);
  const pskSuite = out.find((s) => s.psk);
  if (pskSuite && !options.psk) {
    throw new TLSConfigError(`${pskSuite.name}: RFC 4279 suites need pskCallback (PSK suites are off without one)`, 'pskCallback');
  }
  const nullSuite = out.find((s) => s.nullCipher);
  if (nullSuite && !options.allowNullEncryption) {
    throw new TLSConfigError(`${nullSuite.name}: NULL encryption needs allowNullEncryption: true (TS 33.141 6.2)`);
  }
  if (role === 'client' && !out.some((s) => !s.nullCipher)) {
    throw new TLSConfigError('TS 33.141 6.2: the UE must offer at least one suite with encryption');
  }
  return out;
}

export interface ServerSelectionOptions {
  /** Operator policy of TS 33.141 7.2(d): refuse common suites with less than 128 bits of key. */
  requireEncryption128?: boolean;
}

/**
 * The AP's choice (server preference order) among the client's offer, or the TS 33.141 7.2 case
 * that makes the handshake fatal. Unknown and signalling values in the offer are ignored (RFC 2246 7.4.1.2).
 */
export function selectServerSuite(offered: readonly number[], preference: readonly CipherSuite[], options: ServerSelectionOptions = {}): CipherSuite {
  const known = offered.map((id) => suiteById(id)).filter((s): s is CipherSuite => s !== undefined);
  if (known.length > 0) {
    if (known.every((s) => s.anonymous)) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'TS 33.141 7.2(a): client offered only anonymous suites', {
        rule: 'TS33.141-7.2(a)-anonymous-only',
      });
    }
    if (known.every((s) => s.nullMac)) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'TS 33.141 7.2(b): no offered suite has integrity protection', {
        rule: 'TS33.141-7.2(b)-no-integrity',
      });
    }
    if (known.every((s) => s.nullCipher)) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'TS 33.141 7.2(c): no offered suite has encryption', {
        rule: 'TS33.141-7.2(c)-no-encryption',
      });
    }
  }
  const offeredSet = new Set(offered);
  let common = preference.filter((s) => offeredSet.has(s.id));
  if (options.requireEncryption128) {
    const weak = (s: CipherSuite): boolean => s.nullCipher || cipherInfo(s).effectiveKeyBits < 128;
    if ((common.length > 0 && common.every(weak)) || (known.length > 0 && known.every(weak))) {
      throw new TLSAlertError(
        AlertDescription.insufficient_security,
        'TS 33.141 7.2(d): operator policy requires encryption and every common suite has less than 128 bits of key',
        { rule: 'TS33.141-7.2(d)-below-128-bits' },
      );
    }
    common = common.filter((s) => !weak(s));
  }
  if (common.length === 0) {
    throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 2246 7.4.1.3: no cipher suite in common', { rule: 'RFC2246-7.4.1.3-no-common-suite' });
  }
  return common[0]!;
}

export { CIPHER_SUITES };

/**
 * The profile's refusals that no option lifts (TS 33.141 6.3 anonymous key exchange, 6.2 NULL
 * integrity, which covers TLS_NULL_WITH_NULL_NULL), as the message to throw, or null. Shared by the
 * engine options and the node-style option path so both name the clause, not "not implemented".
 */
export function profileRefusal(suite: CipherSuite): string | null {
  if (suite.anonymous) return `${suite.name}: TS 33.141 6.3: anonymous key exchange is not allowed`;
  if (suite.nullMac) return `${suite.name}: TS 33.141 6.2: suites with NULL integrity are not allowed`;
  return null;
}
