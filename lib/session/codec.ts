/**
 * Sessions as bytes, so a UE can keep them across restarts (node:tls style: the 'session' event and
 * the `session` option carry a serialised session) and an AP can keep them in an external store.
 *
 * Format (all lengths big-endian), version 1:
 *   "UTS" 0x01 | id<1> | master<1> (48) | suite u16 | compression u8 | createdAt u64 (ms) | lifetime u32 (s)
 *   | flags u8 (1: servername, 2: maxFragmentLength, 4: truncatedHmac, 8: appData, 16: ticket)
 *   | [servername<2>] | [maxFragmentLength u16] | [appData<3>] | [ticket<2>] | peerCertificates<3> of cert<3>
 * The master secret is in it: treat serialised sessions like keys.
 */
import type { SessionData } from './types.js';
import { ByteReader, ByteWriter, DecodeError, fromUtf8, utf8 } from '../util/bytes.js';

const MAGIC = [0x55, 0x54, 0x53, 0x01]; // "UTS", version 1

export function encodeSession(s: SessionData): Uint8Array {
  const w = new ByteWriter(512);
  for (const b of MAGIC) w.u8(b);
  w.vector(1, s.id).vector(1, s.masterSecret).u16(s.cipherSuite).u8(s.compressionMethod);
  const created = BigInt(Math.max(0, Math.floor(s.createdAt)));
  w.u16(Number((created >> 48n) & 0xffffn)).u16(Number((created >> 32n) & 0xffffn)).u16(Number((created >> 16n) & 0xffffn)).u16(Number(created & 0xffffn));
  w.u16((s.lifetime >>> 16) & 0xffff).u16(s.lifetime & 0xffff);
  const flags = (s.servername !== undefined ? 1 : 0) | (s.maxFragmentLength ? 2 : 0) | (s.truncatedHmac ? 4 : 0) | (s.appData ? 8 : 0) | (s.ticket ? 16 : 0);
  w.u8(flags);
  if (s.servername !== undefined) w.vector(2, utf8(s.servername));
  if (s.maxFragmentLength) w.u16(s.maxFragmentLength);
  if (s.appData) w.vector(3, s.appData);
  if (s.ticket) w.vector(2, s.ticket);
  w.nested(3, (inner) => {
    for (const cert of s.peerCertificates) inner.vector(3, cert);
  });
  return w.finish();
}

/** Throws DecodeError for anything that is not a session this module wrote. */
export function decodeSession(bytes: Uint8Array): SessionData {
  const r = new ByteReader(bytes, 'session');
  for (const b of MAGIC) if (r.u8('magic') !== b) throw new DecodeError('session: not a ut-tls session (bad magic or version)');
  const id = r.vector(1, 'session_id', 1, 32).slice();
  const masterSecret = r.vector(1, 'master_secret', 48, 48).slice();
  const cipherSuite = r.u16('cipher_suite');
  const compressionMethod = r.u8('compression');
  let createdAt = 0;
  for (let i = 0; i < 4; i++) createdAt = createdAt * 65536 + r.u16('created_at');
  const lifetime = r.u16('lifetime') * 65536 + r.u16('lifetime');
  const flags = r.u8('flags');
  if (flags & ~0x1f) throw new DecodeError('session: unknown flags');
  const servername = flags & 1 ? fromUtf8(r.vector(2, 'servername')) : undefined;
  const maxFragmentLength = flags & 2 ? r.u16('max_fragment_length') : undefined;
  const appData = flags & 8 ? r.vector(3, 'app_data').slice() : undefined;
  const ticket = flags & 16 ? r.vector(2, 'ticket').slice() : undefined;
  const certs = r.sub(3, 'peer_certificates');
  const peerCertificates: Uint8Array[] = [];
  while (!certs.done) peerCertificates.push(certs.vector(3, 'certificate', 1).slice());
  r.end();
  return {
    id,
    masterSecret,
    cipherSuite,
    compressionMethod,
    createdAt,
    lifetime,
    ...(servername !== undefined ? { servername } : {}),
    ...(maxFragmentLength !== undefined ? { maxFragmentLength } : {}),
    ...(flags & 4 ? { truncatedHmac: true } : {}),
    ...(appData !== undefined ? { appData } : {}),
    ...(ticket !== undefined ? { ticket } : {}),
    peerCertificates,
  };
}
