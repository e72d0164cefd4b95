/**
 * Sessions as bytes, so a UE can keep them across restarts (node:tls style: the 'session' event and
 * the `session` option carry a serialised session) and an AP can keep them in an external store.
 *
 * Format (all lengths big-endian), version 1:
 *   "UTS" 0x01 | id<1> | master<1> (48) | suite u16 | compression u8 | createdAt u64 (ms) | lifetime u32 (s)
 *   | flags u8 (1: servername, 2: maxFragmentLength, 4: truncatedHmac, 8: appData,
 *              16: peerChainDigest, 32: peerVerification, 64: ticket, 128: a second flags byte follows)
 *   | [flags2 u8 (1: extendedMasterSecret, 2: encryptThenMac, 4: reserved for tickets, 8: path strength)]
 *   | [servername<2>] | [maxFragmentLength u16] | [appData<3>] | [ticket<2>] | peerCertificates<3> of cert<3>
 *   | [peerChainDigest (32)] | [peerVerification: authorized u8 | validFrom u64 | validUntil u64
 *                             | anchor<1> (0 or 32) | code<1>] | [strength: minKeyBits u16 | sha1Signed u8]
 * peerCertificates holds the peer's leaf only (lib/engine/peer-verification.ts); sessions written
 * before the digest and verification flags decode without them and count as unverified.
 * The master secret is in it: treat serialised sessions like keys.
 */
import type { SessionData, SessionPeerVerification } from './types.js';
import { ByteReader, ByteWriter, DecodeError, fromUtf8, utf8 } from '../util/bytes.js';

const MAGIC = [0x55, 0x54, 0x53, 0x01]; // "UTS", version 1

/** Milliseconds since the epoch as u64 (negative times as 0). */
function time(w: ByteWriter, ms: number): void {
  const t = BigInt(Math.max(0, Math.min(Number.MAX_SAFE_INTEGER, Math.floor(ms))));
  w.u16(Number((t >> 48n) & 0xffffn)).u16(Number((t >> 32n) & 0xffffn)).u16(Number((t >> 16n) & 0xffffn)).u16(Number(t & 0xffffn));
}

function readTime(r: ByteReader, what: string): number {
  let t = 0;
  for (let i = 0; i < 4; i++) t = t * 65536 + r.u16(what);
  return t;
}

export function encodeSession(s: SessionData): Uint8Array {
  const w = new ByteWriter(512);
  for (const b of MAGIC) w.u8(b);
  w.vector(1, s.id).vector(1, s.masterSecret).u16(s.cipherSuite).u8(s.compressionMethod);
  time(w, s.createdAt);
  w.u16((s.lifetime >>> 16) & 0xffff).u16(s.lifetime & 0xffff);
  const v = s.peerVerification;
  const flags =
    (s.servername !== undefined ? 1 : 0) |
    (s.maxFragmentLength ? 2 : 0) |
    (s.truncatedHmac ? 4 : 0) |
    (s.appData ? 8 : 0) |
    (s.peerChainDigest ? 16 : 0) |
    (v ? 32 : 0) |
    (s.ticket ? 64 : 0);
  const flags2 = (s.extendedMasterSecret ? 1 : 0) | (s.encryptThenMac ? 2 : 0) | (v?.strength ? 8 : 0);
  // The second byte only when needed: sessions without these flags encode as before.
  w.u8(flags | (flags2 !== 0 ? 128 : 0));
  if (flags2 !== 0) w.u8(flags2);
  if (s.servername !== undefined) w.vector(2, utf8(s.servername));
  if (s.maxFragmentLength) w.u16(s.maxFragmentLength);
  if (s.appData) w.vector(3, s.appData);
  if (s.ticket) w.vector(2, s.ticket);
  w.nested(3, (inner) => {
    for (const cert of s.peerCertificates) inner.vector(3, cert);
  });
  if (s.peerChainDigest) {
    if (s.peerChainDigest.length !== 32) throw new TypeError('session: peerChainDigest must be 32 bytes (SHA-256)');
    w.bytes(s.peerChainDigest);
  }
  if (v) {
    w.u8(v.authorized ? 1 : 0);
    time(w, v.validFrom);
    time(w, v.validUntil);
    w.vector(1, v.anchor ?? new Uint8Array(0));
    w.vector(1, utf8((v.code ?? '').slice(0, 64)));
    if (v.strength) w.u16(Math.min(0xffff, v.strength.minKeyBits)).u8(v.strength.sha1Signed ? 1 : 0);
  }
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
  const createdAt = readTime(r, 'created_at');
  const lifetime = r.u16('lifetime') * 65536 + r.u16('lifetime');
  const flags = r.u8('flags');
  const flags2 = flags & 128 ? r.u8('flags2') : 0;
  if (flags2 & ~0x0b) throw new DecodeError('session: unknown flags');
  if (flags2 & 8 && !(flags & 32)) throw new DecodeError('session: path strength without a verification');
  const servername = flags & 1 ? fromUtf8(r.vector(2, 'servername')) : undefined;
  const maxFragmentLength = flags & 2 ? r.u16('max_fragment_length') : undefined;
  const appData = flags & 8 ? r.vector(3, 'app_data').slice() : undefined;
  const ticket = flags & 64 ? r.vector(2, 'ticket').slice() : undefined;
  const certs = r.sub(3, 'peer_certificates');
  const peerCertificates: Uint8Array[] = [];
  while (!certs.done) peerCertificates.push(certs.vector(3, 'certificate', 1).slice());
  const peerChainDigest = flags & 16 ? r.bytes(32, 'peer_chain_digest').slice() : undefined;
  let peerVerification: SessionPeerVerification | undefined;
  if (flags & 32) {
    const authorized = r.u8('authorized');
    if (authorized > 1) throw new DecodeError('session: authorized must be 0 or 1');
    const validFrom = readTime(r, 'valid_from');
    const validUntil = readTime(r, 'valid_until');
    const anchor = r.vector(1, 'anchor', 0, 32).slice();
    if (anchor.length !== 0 && anchor.length !== 32) throw new DecodeError('session: anchor digest must be 32 bytes');
    const code = fromUtf8(r.vector(1, 'code', 0, 64));
    const strength = flags2 & 8 ? { minKeyBits: r.u16('min_key_bits'), sha1Signed: r.u8('sha1_signed') === 1 } : undefined;
    peerVerification = {
      authorized: authorized === 1,
      ...(code !== '' ? { code } : {}),
      validFrom,
      validUntil,
      ...(anchor.length > 0 ? { anchor } : {}),
      ...(strength ? { strength } : {}),
    };
  }
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
    ...(flags2 & 1 ? { extendedMasterSecret: true } : {}),
    ...(flags2 & 2 ? { encryptThenMac: true } : {}),
    ...(appData !== undefined ? { appData } : {}),
    ...(ticket !== undefined ? { ticket } : {}),
    peerCertificates,
    ...(peerChainDigest ? { peerChainDigest } : {}),
    ...(peerVerification ? { peerVerification } : {}),
  };
}
