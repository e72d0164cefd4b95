/**
 * supported_groups (RFC 7919 / RFC 4492 5.1.1, named "elliptic_curves" before RFC 7919):
 *   struct { NamedGroup named_group_list<2..2^16-1>; } NamedGroupList;   (u16 each)
 * Sent by clients only in TLS 1.0-1.2; the server reads it for the RFC 7919 FFDHE groups.
 * (Not in ExtensionType: the decoder's trace names it unknown(10), as the recorded traces do.)
 */
import { ByteReader, DecodeError } from '../../util/bytes.js';

export const SUPPORTED_GROUPS_EXTENSION = 10;

export function decodeSupportedGroups(data: Uint8Array): number[] {
  const r = new ByteReader(data, 'supported_groups');
  const list = r.sub(2, 'named_group_list', 2, 0xffff);
  r.end();
  if (list.remaining % 2 !== 0) throw new DecodeError('supported_groups: odd list length');
  const out: number[] = [];
  while (!list.done) out.push(list.u16('named_group'));
  return out;
}
