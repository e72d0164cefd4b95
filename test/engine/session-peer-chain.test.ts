/**
 * What a cached session keeps of the peer's certificate chain (issue 21 item 4; docs/bounds.md
 * maxSessionLeafSize): the verdict, the leaf and a SHA-256 of the chain, not the chain. 1,000 sessions
 * of a client with a ~100 KB chain on a requestCert server are measured in bytes (the session codec,
 * and the memory the stored objects reference), not in time.
 */
import t from 'tap';
import { nativeProvider } from '../../lib/crypto/native.js';
import { chainDigest } from '../../lib/engine/peer-verification.js';
import type { SessionData } from '../../lib/engine/types.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import { bytesEqual } from '../../lib/util/bytes.js';
import { handshake, sharedPki } from '../helpers/engine-pair.js';

/** Bytes of memory the session's arrays keep alive (whole ArrayBuffers: a view would keep its buffer). */
function retainedBytes(s: SessionData): number {
  const buffers = new Set<ArrayBufferLike>();
  const arrays = [s.id, s.masterSecret, ...s.peerCertificates, s.peerChainDigest, s.peerVerification?.anchor, s.appData];
  for (const a of arrays) if (a) buffers.add(a.buffer);
  let n = 0;
  for (const b of buffers) n += b.byteLength;
  return n;
}

const SESSIONS = 1000;
const PER_SESSION_BOUND = 4096; // leaf (~1 KB) + digest + record + id + master secret, with room to spare

t.test(`${SESSIONS} sessions of a client with a ~100 KB chain stay within ${PER_SESSION_BOUND} bytes each`, { timeout: 240_000 }, async (t) => {
  const pki = await sharedPki();
  const leaf = pki.client!.der;
  // The client's leaf plus certificates that are not on its path (as a misconfigured or hostile UE
  // may send): about 100 KB on the wire, verified (the path uses the root), refused by nobody.
  const padding = Array.from({ length: Math.ceil(100_000 / pki.root.der.length) }, () => pki.root.der);
  const chain = [leaf, ...padding];
  const chainBytes = chain.reduce((n, c) => n + c.length, 0);
  t.ok(chainBytes >= 100_000, `the client chain is ${chainBytes} bytes`);

  const store = new MemorySessionStore();
  const server = { provider: nativeProvider, sessionStore: store, requestCert: true, rejectUnauthorized: true, trustAnchors: [pki.root.der] };
  const client = { provider: nativeProvider, certificateChain: chain, privateKey: pki.client!.key };
  const stored: SessionData[] = [];
  let firstClientSession: SessionData | undefined;
  for (let i = 0; i < SESSIONS; i++) {
    const p = await handshake(client, server);
    if (!p.server.completed) {
      t.fail(`handshake ${i}: ${p.server.errors[0]?.message}`);
      return;
    }
    stored.push(p.server.sessions[0]!);
    firstClientSession ??= p.client.sessions[0];
  }
  t.equal(store.size, SESSIONS, 'all sessions cached');

  let encoded = 0;
  let retained = 0;
  let worst = 0;
  for (const s of stored) {
    const bytes = encodeSession(s).length;
    encoded += bytes;
    retained += retainedBytes(s);
    worst = Math.max(worst, bytes, retainedBytes(s));
  }
  t.ok(worst <= PER_SESSION_BOUND, `largest session: ${worst} bytes (chain ${chainBytes})`);
  t.ok(encoded <= SESSIONS * PER_SESSION_BOUND, `codec total ${encoded} bytes for ${SESSIONS} sessions`);
  t.ok(retained <= SESSIONS * PER_SESSION_BOUND, `memory referenced by the sessions: ${retained} bytes`);
  t.comment(`per session: ${Math.round(encoded / SESSIONS)} B encoded, ${Math.round(retained / SESSIONS)} B referenced; chain ${chainBytes} B`);

  const s = stored[0]!;
  t.same(s.peerCertificates.length, 1, 'the session keeps the leaf only');
  t.ok(bytesEqual(s.peerCertificates[0]!, leaf), 'the leaf as sent');
  t.ok(s.peerChainDigest && bytesEqual(s.peerChainDigest, chainDigest(chain)), 'and the SHA-256 of the whole chain');
  t.equal(s.peerVerification?.authorized, true, 'and the verdict');
  const round = decodeSession(encodeSession(s));
  t.same(round.peerVerification, s.peerVerification, 'the codec keeps the record');
  t.ok(bytesEqual(round.peerChainDigest!, s.peerChainDigest!), 'and the digest');

  // After resumption the leaf is still there for getPeerCertificate, and the verdict holds.
  const resumed = await handshake({ ...client, session: firstClientSession! }, server);
  t.ok(resumed.server.conn.resumed, 'resumed');
  t.equal(resumed.server.conn.peerCertificates.length, 1);
  t.ok(bytesEqual(resumed.server.conn.peerCertificates[0]!, leaf), 'the resumed connection reports the client leaf');
  t.same(resumed.server.conn.peerVerdict, { authorized: true });
});

t.test('maxSessionLeafSize bounds the stored leaf; 0 keeps none', async (t) => {
  const pki = await sharedPki();
  const store = new MemorySessionStore();
  const server = { sessionStore: store, requestCert: true, rejectUnauthorized: true, trustAnchors: [pki.root.der], maxSessionLeafSize: 0 };
  const client = { certificateChain: [pki.client!.der], privateKey: pki.client!.key, maxSessionLeafSize: pki.server.der.length - 1 };
  const p = await handshake(client, server);
  t.ok(p.server.completed);
  t.same(p.server.sessions[0]!.peerCertificates, [], 'server: no leaf kept with 0');
  t.same(p.client.sessions[0]!.peerCertificates, [], 'client: a leaf over the bound is not kept');
  t.ok(p.client.sessions[0]!.peerChainDigest, 'the digest is kept all the same');
  t.equal(p.client.conn.peerCertificates.length, 1, 'the live connection still has the whole chain');
  // Without the leaf a verifying client cannot check the name again: it does a full handshake.
  const again = await handshake({ ...client, session: p.client.sessions[0]! }, { ...server, requestCert: false });
  t.notOk(again.client.conn.resumed);
  t.ok(again.client.completed);
  const big = await handshake({ ...client, maxSessionLeafSize: 1 << 24 }, server);
  t.equal(big.client.sessions[0]!.peerCertificates.length, 1, 'a larger bound keeps it');
});
