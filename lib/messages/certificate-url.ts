/**
 * CertificateURL (handshake type 21), RFC 3546 3.3, exactly as RFC 3546 prints it:
 *
 *   enum { individual_certs(0), pkipath(1), (255) } CertChainType;
 *   enum { false(0), true(1) } Boolean;
 *   struct { CertChainType type; URLAndOptionalHash url_and_hash_list<1..2^16-1>; } CertificateURL;
 *   struct { opaque url<1..2^16-1>; Boolean hash_present;
 *            select (hash_present) { case false: struct {}; case true: SHA1Hash; } hash; } URLAndOptionalHash;
 *   opaque SHA1Hash[20];
 *
 * RFC 6066 5 later replaced URLAndOptionalHash with URLAndHash { url; uint8 padding (= 1); SHA1Hash } — the hash
 * became mandatory. Its bytes equal RFC 3546's hash_present = true form, so every RFC 6066 message decodes
 * here; only an RFC 3546 entry without hash (hash_present = 0) would be refused by an RFC 6066 peer.
 */
import { ByteReader, ByteWriter, DecodeError } from '../util/bytes.js';

export const CertChainType = { individual_certs: 0, pkipath: 1 } as const;

export interface UrlAndOptionalHash {
  /** The URL text (RFC 3546 3.3: http: URLs MUST be supported; the text of a URI is ASCII). */
  url: string;
  /** SHA-1 of the DER certificate (individual_certs) or PkiPath (pkipath), or null when hash_present is false. */
  hash: Uint8Array | null;
}

export interface CertificateUrl {
  chainType: number;
  urls: UrlAndOptionalHash[];
}

const SHA1_LENGTH = 20;

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) throw new RangeError('CertificateURL: url must be printable ASCII (an encoded URI)');
    out[i] = c;
  }
  return out;
}

export function encodeCertificateUrl(msg: CertificateUrl): Uint8Array {
  if (msg.chainType !== CertChainType.individual_certs && msg.chainType !== CertChainType.pkipath) {
    throw new RangeError(`CertChainType ${msg.chainType} is not defined`);
  }
  if (msg.urls.length === 0) throw new RangeError('url_and_hash_list<1..2^16-1> needs at least one entry');
  const w = new ByteWriter();
  w.u8(msg.chainType);
  w.nested(2, (list) => {
    for (const u of msg.urls) {
      const url = asciiBytes(u.url);
      if (url.length === 0) throw new RangeError('url<1..2^16-1> cannot be empty');
      list.vector(2, url);
      if (u.hash) {
        if (u.hash.length !== SHA1_LENGTH) throw new RangeError('SHA1Hash must be 20 bytes');
        list.u8(1).bytes(u.hash);
      } else {
        list.u8(0);
      }
    }
  });
  return w.finish();
}

/**
 * DecodeError for: an undefined CertChainType (RFC 3546 names no alert; the chain cannot be interpreted),
 * a Boolean other than 0/1 (the select has no such case, so the rest cannot be parsed), a URL byte outside
 * printable ASCII, and every length problem.
 */
export function decodeCertificateUrl(body: Uint8Array): CertificateUrl {
  const r = new ByteReader(body, 'CertificateURL');
  const chainType = r.u8('type');
  if (chainType !== CertChainType.individual_certs && chainType !== CertChainType.pkipath) {
    throw new DecodeError(`CertificateURL: CertChainType ${chainType} is not defined`);
  }
  const list = r.sub(2, 'url_and_hash_list', 1, 0xffff);
  r.end();
  const urls: UrlAndOptionalHash[] = [];
  while (!list.done) {
    const raw = list.vector(2, 'url', 1, 0xffff);
    let url = '';
    for (const c of raw) {
      if (c < 0x21 || c > 0x7e) throw new DecodeError('CertificateURL: url has a byte outside printable ASCII');
      url += String.fromCharCode(c);
    }
    const present = list.u8('hash_present');
    let hash: Uint8Array | null;
    if (present === 0) hash = null;
    else if (present === 1) hash = list.bytes(SHA1_LENGTH, 'SHA1Hash').slice();
    else throw new DecodeError(`CertificateURL: hash_present ${present} is not a Boolean`);
    urls.push({ url, hash });
  }
  return { chainType, urls };
}
