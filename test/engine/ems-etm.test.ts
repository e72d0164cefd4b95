/**
 * RFC 7627 extended master secret and RFC 7366 encrypt-then-MAC through the engine, in memory:
 * defaults, RC4 without EtM, the resumption rules of RFC 7627 5.3 and RFC 7366 3.1, the options.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { extendedMasterSecret, prf } from '../../lib/crypto/prf.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import { handshake } from '../helpers/engine-pair.js';

const AES = ['TLS_RSA_WITH_AES_128_CBC_SHA'];
const RC4 = ['TLS_RSA_WITH_RC4_128_SHA'];

t.test('RFC 7627 4: the EMS derivation is PRF(pre_master_secret, "extended master secret", MD5 || SHA-1)', async (t) => {
  const pm = new Uint8Array(48).fill(3);
  const hash = new Uint8Array(36).fill(9);
  t.same(extendedMasterSecret(pm, hash), prf(pm, 'extended master secret', hash, 48));
  t.throws(() => extendedMasterSecret(pm, new Uint8Array(32)), RangeError);
});

t.test('default: a CBC suite agrees EMS and EtM; both sessions record them; data flows', async (t) => {
  const p = await handshake({ cipherSuites: AES }, {});
  t.ok(p.client.completed && p.server.completed);
  const c = p.client.sessions[0]!;
  const s = p.server.sessions[0]!;
  t.equal(c.extendedMasterSecret, true);
  t.equal(c.encryptThenMac, true);
  t.equal(s.extendedMasterSecret, true);
  t.equal(s.encryptThenMac, true);
  p.client.conn.write(new Uint8Array([1, 2, 3]));
  p.flush();
  t.same([...p.receivedBy(p.server)], [1, 2, 3]);
});

t.test('RFC 7366 2: no EtM for RC4, EMS still', async (t) => {
  const p = await handshake({ cipherSuites: RC4 }, {});
  t.ok(p.server.completed);
  t.notOk(p.client.sessions[0]!.encryptThenMac);
  t.equal(p.client.sessions[0]!.extendedMasterSecret, true);
});

t.test('off switches: extendedMasterSecret: false and encryptThenMac: false on either side', async (t) => {
  for (const [co, so] of [[{ extendedMasterSecret: false, encryptThenMac: false }, {}], [{}, { extendedMasterSecret: false, encryptThenMac: false }]] as const) {
    const p = await handshake({ cipherSuites: AES, ...co }, so);
    t.ok(p.server.completed && p.client.completed);
    t.notOk(p.client.sessions[0]!.extendedMasterSecret);
    t.notOk(p.client.sessions[0]!.encryptThenMac);
    t.notOk(p.server.sessions[0]!.extendedMasterSecret);
  }
});

t.test('requireExtendedMasterSecret: a peer without EMS gets handshake_failure (RFC 7627 5.2)', async (t) => {
  const a = await handshake({ extendedMasterSecret: false }, { requireExtendedMasterSecret: true });
  t.equal((a.server.errors[0] as TLSAlertError).alert, AlertDescription.handshake_failure);
  t.match(a.server.errors[0]!.message, /RFC 7627 5\.2/);
  const b = await handshake({ requireExtendedMasterSecret: true }, { extendedMasterSecret: false });
  t.equal((b.client.errors[0] as TLSAlertError).alert, AlertDescription.handshake_failure);
  t.match(b.client.errors[0]!.message, /RFC 7627 5\.2/);
});

t.test('RFC 7627 5.3 on the server', async (t) => {
  const now = () => Date.now();
  const store = new MemorySessionStore({ now });
  const ems = await handshake({ now, cipherSuites: AES }, { now, sessionStore: store });
  const session = ems.client.sessions[0]!;
  t.equal(session.extendedMasterSecret, true);
  // Resumed with EMS: abbreviated, EMS kept.
  const again = await handshake({ now, session, cipherSuites: AES }, { now, sessionStore: store });
  t.ok(again.client.conn.resumed && again.server.conn.resumed, 'resumed');
  // An EMS session offered in a hello without EMS: abort.
  const bad = await handshake({ now, session, extendedMasterSecret: false, cipherSuites: AES }, { now, sessionStore: store });
  t.equal((bad.server.errors[0] as TLSAlertError | undefined)?.alert, AlertDescription.handshake_failure);
  t.match(bad.server.errors[0]?.message ?? '', /RFC 7627 5\.3/);
  t.notOk(bad.client.completed);

  // A session without EMS offered in a hello with EMS: full handshake, not resumption.
  const store2 = new MemorySessionStore({ now });
  const plain = await handshake({ now, extendedMasterSecret: false, cipherSuites: AES }, { now, sessionStore: store2 });
  const old = plain.client.sessions[0]!;
  t.notOk(old.extendedMasterSecret);
  const full = await handshake({ now, session: old, cipherSuites: AES }, { now, sessionStore: store2 });
  t.ok(full.client.completed && full.server.completed);
  t.notOk(full.server.conn.resumed, 'full handshake');
  t.equal(full.client.sessions[0]!.extendedMasterSecret, true);
});

t.test('RFC 7627 5.3 on the client: a resumption whose EMS answer differs from the session is aborted', async (t) => {
  const now = () => Date.now();
  const store = new MemorySessionStore({ now });
  const first = await handshake({ now, cipherSuites: AES }, { now, sessionStore: store });
  const session = first.client.sessions[0]!;
  // The server resumes the session but its copy says no EMS (a server that forgot the flag): the
  // resumed ServerHello lacks the extension, which the client must refuse.
  const forged = new MemorySessionStore({ now });
  const { extendedMasterSecret: _e, ...withoutEms } = first.server.sessions[0]!;
  await forged.set(withoutEms);
  const p = await handshake({ now, session, cipherSuites: AES }, { now, sessionStore: forged, extendedMasterSecret: false });
  t.equal((p.client.errors[0] as TLSAlertError | undefined)?.alert, AlertDescription.handshake_failure);
  t.match(p.client.errors[0]?.message ?? '', /RFC 7627 5\.3/);
});

t.test('RFC 7366 3.1: an EtM session is not resumed without EtM (full handshake instead)', async (t) => {
  const now = () => Date.now();
  const store = new MemorySessionStore({ now });
  const first = await handshake({ now, cipherSuites: AES }, { now, sessionStore: store });
  const session = first.client.sessions[0]!;
  t.equal(session.encryptThenMac, true);
  const p = await handshake({ now, session, encryptThenMac: false, cipherSuites: AES }, { now, sessionStore: store });
  t.ok(p.client.completed && p.server.completed);
  t.notOk(p.server.conn.resumed);
  t.notOk(p.client.sessions[0]!.encryptThenMac);
  const q = await handshake({ now, session, cipherSuites: AES }, { now, sessionStore: store });
  t.ok(q.server.conn.resumed && q.client.conn.resumed, 'resumed with EtM');
  q.client.conn.write(new Uint8Array([7]));
  q.flush();
  t.same([...q.receivedBy(q.server)], [7]);
});

t.test('session codec: flags byte 128 + second byte; old encodings decode', async (t) => {
  const base = {
    id: new Uint8Array(32).fill(1),
    masterSecret: new Uint8Array(48).fill(2),
    cipherSuite: 0x2f,
    compressionMethod: 0,
    createdAt: 1_700_000_000_000,
    lifetime: 3600,
    peerCertificates: [],
  };
  const old = encodeSession(base);
  t.equal(old[4 + 1 + 32 + 1 + 48 + 2 + 1 + 8 + 4], 0, 'no flags: one byte, as before');
  t.same(decodeSession(old), base);
  const both = encodeSession({ ...base, extendedMasterSecret: true, encryptThenMac: true });
  const at = 4 + 1 + 32 + 1 + 48 + 2 + 1 + 8 + 4;
  t.equal(both[at], 128);
  t.equal(both[at + 1], 3);
  t.same(decodeSession(both), { ...base, extendedMasterSecret: true, encryptThenMac: true });
  const unknown = both.slice();
  unknown[at + 1] = 0x10;
  t.throws(() => decodeSession(unknown), /unknown flags/);
  const strengthWithoutVerification = both.slice();
  strengthWithoutVerification[at + 1] = 0x08; // flags2 8: path strength, which needs a peer verification
  t.throws(() => decodeSession(strengthWithoutVerification), /path strength without a verification/);
});

t.test('1/n-1 splitting with encrypt-then-MAC: the client splits, record lengths are RFC 7366 ones', async (t) => {
  const p = await handshake({ cipherSuites: AES });
  p.client.wire.length = 0;
  p.client.conn.write(new Uint8Array(100));
  const all = Buffer.concat(p.client.wire);
  const lengths: number[] = [];
  for (let off = 0; off + 5 <= all.length; off += 5 + all.readUInt16BE(off + 3)) if (all[off] === 23) lengths.push(all.readUInt16BE(off + 3));
  // 1 byte + padding -> 16, + 20 MAC = 36; 99 + padding -> 112, + 20 = 132.
  t.same(lengths, [36, 132]);
  p.flush();
  t.equal(p.receivedBy(p.server).length, 100);
});
