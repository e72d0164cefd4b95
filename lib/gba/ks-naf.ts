/**
 * NAF-specific keys (TS 33.220 4.5.2, 5.3.2 and Annex B.3), all with FC = 0x01:
 *
 *   GBA_ME:  Ks_NAF     = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id)     Ks = CK || IK (32 octets)
 *   GBA_U:   Ks_ext_NAF = KDF(Ks, "gba-me", RAND, IMPI, NAF_Id)     (the ME gets it from the UICC)
 *            Ks_int_NAF = KDF(Ks, "gba-u",  RAND, IMPI, NAF_Id)     (stays in the UICC)
 *
 * P0 is the static string, P1 = RAND (16 octets), P2 = IMPI (UTF-8), P3 = NAF_Id (FQDN || Ua
 * protocol identifier, see naf-id.ts).
 */
import { GbaError } from './errors.js';
import { gbaKdf } from './kdf.js';

/** FC of the NAF-specific key derivation (TS 33.220 B.3). */
export const FC_KS_NAF = 0x01;

export interface KsNafInput {
  /** Ks = CK || IK, 32 octets (TS 33.220 4.5.2). */
  ks: Uint8Array;
  /** RAND of the bootstrapping run, 16 octets (TS 33.102 AKA). */
  rand: Uint8Array;
  /** The private user identity, e.g. "user@ims.mnc001.mcc001.3gppnetwork.org". */
  impi: string;
  /** NAF_Id bytes, from nafId(). */
  nafId: Uint8Array;
}

function derive(label: 'gba-me' | 'gba-u', input: KsNafInput): Uint8Array {
  const { ks, rand, impi, nafId } = input;
  if (!(ks instanceof Uint8Array) || ks.length !== 32) throw new GbaError('ERR_GBA_BAD_KEY', 'TS 33.220 4.5.2: Ks = CK || IK is 32 octets');
  if (!(rand instanceof Uint8Array) || rand.length !== 16) throw new GbaError('ERR_GBA_BAD_PARAMETER', 'TS 33.220 B.3: RAND is 16 octets');
  if (typeof impi !== 'string' || impi.length === 0) throw new GbaError('ERR_GBA_BAD_PARAMETER', 'TS 33.220 B.3: IMPI must be a non-empty string');
  if (!(nafId instanceof Uint8Array) || nafId.length < 6) throw new GbaError('ERR_GBA_BAD_NAF_ID', 'TS 33.220 B.3: NAF_Id is the NAF FQDN followed by 5 octets');
  return gbaKdf(ks, FC_KS_NAF, [label, rand, impi, nafId]);
}

/** GBA_ME Ks_NAF (TS 33.220 4.5.2, B.3). */
export function ksNaf(input: KsNafInput): Uint8Array {
  return derive('gba-me', input);
}

/** GBA_U Ks_ext_NAF (TS 33.220 5.3.2): the same derivation as Ks_NAF, done in the UICC. */
export function ksExtNaf(input: KsNafInput): Uint8Array {
  return derive('gba-me', input);
}

/** GBA_U Ks_int_NAF (TS 33.220 5.3.2, B.3 with P0 = "gba-u"). */
export function ksIntNaf(input: KsNafInput): Uint8Array {
  return derive('gba-u', input);
}
