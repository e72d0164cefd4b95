/**
 * The Bootstrapping Transaction Identifier (TS 33.220 4.5.2): "B-TID in NAI format by taking the
 * base64 encoded RAND value ... and the BSF server name, i.e. base64encoded(RAND)@BSF_servers_domain_name".
 * In shared-key TLS it is the psk_identity (TS 33.222 5.4, TS 24.109 Annex F), so parseBtid reads
 * bytes from the wire: anything malformed is a GbaError, never a crash.
 */
import { base64Decode, base64Encode } from '../x509/pem.js';
import { GbaError } from './errors.js';

export interface Btid {
  /** RAND of the bootstrapping run (16 octets). */
  rand: Uint8Array;
  /** The BSF's server domain name. */
  bsfDomain: string;
}

// RFC 4279 5.1 recommends identities of at most 128 octets; a B-TID is ~24 + the domain.
const MAX_BTID = 255;
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const B64 = /^[A-Za-z0-9+/]+={0,2}$/;

function checkDomain(d: string): void {
  if (!DOMAIN.test(d)) throw new GbaError('ERR_GBA_BAD_BTID', `TS 33.220 4.5.2: ${JSON.stringify(d)} is not a BSF server domain name`);
}

export function formatBtid(rand: Uint8Array, bsfDomain: string): string {
  if (!(rand instanceof Uint8Array) || rand.length !== 16) throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: RAND is 16 octets');
  checkDomain(bsfDomain);
  return `${base64Encode(rand)}@${bsfDomain}`;
}

export function parseBtid(btid: string): Btid {
  if (typeof btid !== 'string' || btid.length === 0) throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: empty B-TID');
  if (btid.length > MAX_BTID) throw new GbaError('ERR_GBA_BAD_BTID', `TS 33.220 4.5.2: B-TID of ${btid.length} characters is longer than ${MAX_BTID}`);
  const at = btid.indexOf('@');
  if (at <= 0 || at !== btid.lastIndexOf('@')) throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: a B-TID is base64(RAND)@BSF_servers_domain_name, with exactly one @');
  const b64 = btid.slice(0, at);
  const bsfDomain = btid.slice(at + 1);
  if (!B64.test(b64) || b64.length % 4 !== 0) throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: the part before @ is not base64');
  let rand: Uint8Array;
  try {
    rand = base64Decode(b64);
  } catch (e) {
    throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: the part before @ is not base64', { cause: e });
  }
  if (rand.length !== 16) throw new GbaError('ERR_GBA_BAD_BTID', `TS 33.220 4.5.2: RAND is 16 octets, the B-TID carries ${rand.length}`);
  // Only the canonical encoding: two spellings of one RAND would be two identities for one session.
  if (base64Encode(rand) !== b64) throw new GbaError('ERR_GBA_BAD_BTID', 'TS 33.220 4.5.2: non-canonical base64 RAND');
  checkDomain(bsfDomain);
  return { rand, bsfDomain };
}
