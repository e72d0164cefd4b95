/**
 * trusted_ca_keys (RFC 3546 3.4).
 *
 *   struct { TrustedAuthority trusted_authorities_list<0..2^16-1>; } TrustedAuthorities;
 *   struct { IdentifierType identifier_type;
 *            select (identifier_type) {
 *              case pre_agreed: struct {};
 *              case key_sha1_hash: SHA1Hash;
 *              case x509_name: DistinguishedName;
 *              case cert_sha1_hash: SHA1Hash; } identifier; } TrustedAuthority;
 *   enum { pre_agreed(0), key_sha1_hash(1), x509_name(2), cert_sha1_hash(3), (255) } IdentifierType;
 *   opaque SHA1Hash[20];  opaque DistinguishedName<1..2^16-1>;
 *
 * The ServerHello form is empty.
 */
import { ByteReader, ByteWriter, DecodeError } from '../../util/bytes.js';
import { decodeEmptyExtension, encodeEmptyExtension } from './empty.js';

export const IdentifierType = { pre_agreed: 0, key_sha1_hash: 1, x509_name: 2, cert_sha1_hash: 3 } as const;

export type TrustedAuthority =
  | { type: 0 }
  | { type: 1; sha1Hash: Uint8Array }
  | { type: 2; distinguishedName: Uint8Array }
  | { type: 3; sha1Hash: Uint8Array };

const SHA1_LENGTH = 20;

export function encodeTrustedCaKeys(list: readonly TrustedAuthority[]): Uint8Array {
  const w = new ByteWriter();
  w.nested(2, (inner) => {
    for (const a of list) {
      inner.u8(a.type);
      switch (a.type) {
        case 0:
          break;
        case 1:
        case 3:
          if (a.sha1Hash.length !== SHA1_LENGTH) throw new RangeError('SHA1Hash must be 20 bytes');
          inner.bytes(a.sha1Hash);
          break;
        case 2:
          if (a.distinguishedName.length === 0) throw new RangeError('DistinguishedName<1..2^16-1> cannot be empty');
          inner.vector(2, a.distinguishedName);
          break;
        default:
          throw new RangeError(`unknown IdentifierType ${(a as { type: number }).type}`);
      }
    }
  });
  return w.finish();
}

/**
 * Parses the ClientHello form. An unknown identifier_type is a DecodeError: its identifier has no defined
 * length, so the rest of the list cannot be read.
 */
export function decodeTrustedCaKeys(data: Uint8Array): TrustedAuthority[] {
  const r = new ByteReader(data, 'trusted_ca_keys');
  const list = r.sub(2, 'trusted_authorities_list', 0, 0xffff);
  r.end();
  const out: TrustedAuthority[] = [];
  while (!list.done) {
    const type = list.u8('identifier_type');
    switch (type) {
      case IdentifierType.pre_agreed:
        out.push({ type });
        break;
      case IdentifierType.key_sha1_hash:
      case IdentifierType.cert_sha1_hash:
        out.push({ type, sha1Hash: list.bytes(SHA1_LENGTH, 'SHA1Hash').slice() });
        break;
      case IdentifierType.x509_name:
        out.push({ type, distinguishedName: list.vector(2, 'DistinguishedName', 1, 0xffff).slice() });
        break;
      default:
        throw new DecodeError(`trusted_ca_keys: unknown identifier_type ${type}`);
    }
  }
  return out;
}

/** ServerHello form: empty. */
export const encodeTrustedCaKeysAck = encodeEmptyExtension;
export function decodeTrustedCaKeysAck(data: Uint8Array): void {
  decodeEmptyExtension(data, 'trusted_ca_keys (ServerHello)');
}
