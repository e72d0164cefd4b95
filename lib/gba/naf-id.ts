/**
 * NAF_Id (TS 33.220 4.5.2 and Annex H): the FQDN of the NAF concatenated with the 5-octet Ua security
 * protocol identifier, so a key derived for one protocol at one NAF is useless at another.
 *
 * Identifiers of TS 33.220 H.3 that matter to ut-tls (checked in the H.3 text as published on
 * itecspec.com, "H.3 Ua security protocol identifiers for 3GPP specified protocols"):
 *   (0x01,0x00,0x00,0x00,0x02)  HTTP Digest authentication according to TS 24.109 (TS 33.222 5.3 without
 *                               the TLS binding of the next entry)
 *   (0x01,0x00,0x01,yy,zz)      "Shared key-based UE authentication with certificate-based NAF
 *                               authentication" (TS 33.222 5.3) or "Shared key-based mutual
 *                               authentication between UE and NAF" (TS 33.222 5.4): yy,zz is the TLS
 *                               cipher suite (its two-octet code) the UE and NAF negotiated.
 *   (0x01,0x00,0x00,0x00,0x07)  shared-key TLS 1.3 (TS 33.222 5.4.0.2); not ut-tls's business (TLS 1.0).
 * The excerpt we could read cut off in the middle of the (0x01,0x00,0x01,yy,zz) sentence, after
 * "...mutual authentication betwe"; that yy,zz is the negotiated suite is what the issue and TS 33.222
 * 5.4 say, and what this code does. docs/gba.md records the same caveat.
 */
import { GbaError } from './errors.js';

/** The organization octet of 3GPP (TS 33.220 H.2). */
export const UA_ORG_3GPP = 0x01;

/** (0x01,0x00,0x00,0x00,0x02): HTTP Digest authentication according to TS 24.109 (TS 33.220 H.3). */
export const UA_HTTP_DIGEST = Uint8Array.of(0x01, 0x00, 0x00, 0x00, 0x02);

/**
 * (0x01,0x00,0x01,yy,zz): TS 33.222 5.3 / 5.4 shared-key TLS, yy,zz = the negotiated TLS cipher suite
 * (TS 33.220 H.3), e.g. 0x008B for TLS_PSK_WITH_3DES_EDE_CBC_SHA.
 */
export function uaSharedKeyTls(cipherSuite: number): Uint8Array {
  if (!Number.isInteger(cipherSuite) || cipherSuite < 0 || cipherSuite > 0xffff) {
    throw new GbaError('ERR_GBA_BAD_NAF_ID', `TS 33.220 H.3: a TLS cipher suite is two octets, got ${cipherSuite}`);
  }
  return Uint8Array.of(0x01, 0x00, 0x01, cipherSuite >>> 8, cipherSuite & 0xff);
}

const utf8 = new TextEncoder();
// RFC 1035 names as they reach us in server_name (RFC 3546 3.1: no trailing dot).
const FQDN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** NAF_Id = FQDN of the NAF || Ua security protocol identifier (TS 33.220 4.5.2, H.1). */
export function nafId(nafFqdn: string, uaProtocol: Uint8Array): Uint8Array {
  if (typeof nafFqdn !== 'string' || !FQDN.test(nafFqdn)) {
    throw new GbaError('ERR_GBA_BAD_NAF_ID', `TS 33.220 4.5.2: NAF_Id needs the NAF's FQDN, got ${JSON.stringify(nafFqdn)}`);
  }
  if (!(uaProtocol instanceof Uint8Array) || uaProtocol.length !== 5) {
    throw new GbaError('ERR_GBA_BAD_NAF_ID', 'TS 33.220 H.1: the Ua security protocol identifier is five octets');
  }
  // Taken as given, no case folding: TS 33.220 defines no canonical form, and a UE that does not fold
  // would derive another key.
  const name = utf8.encode(nafFqdn);
  const out = new Uint8Array(name.length + 5);
  out.set(name, 0);
  out.set(uaProtocol, name.length);
  return out;
}
