/**
 * Certificate verification in the engine, secure by default (issue 19 item 5; docs/verification.md):
 * a client Connection refuses to exist without trust anchors or an explicit insecureSkipVerify, and
 * with anchors the engine alone (two Connections in memory, no socket layer) refuses a wrong chain
 * with the right alert on the wire.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { Connection } from '../../lib/engine/connection.js';
import { TLSAlertError, TLSConfigError } from '../../lib/errors.js';
import { concatBytes } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import { createTestPki } from '../helpers/testca.js';
import { handshake, sharedPki } from '../helpers/engine-pair.js';

const noEvents = { output() {}, handshakeComplete() {}, data() {}, peerClosed() {}, error() {} };

/** The plaintext alert records (level, description) on a wire, before any ChangeCipherSpec. */
function plaintextAlerts(wire: Uint8Array[]): Array<[number, number]> {
  const all = concatBytes(...wire);
  const out: Array<[number, number]> = [];
  for (let off = 0; off + 5 <= all.length; ) {
    const len = (all[off + 3]! << 8) | all[off + 4]!;
    if (all[off] === 20) break;
    if (all[off] === 21 && len === 2) out.push([all[off + 5]!, all[off + 6]!]);
    off += 5 + len;
  }
  return out;
}

t.test('a client Connection with neither trust anchors nor insecureSkipVerify does not construct', async (t) => {
  const err = (() => {
    try {
      new Connection({ isServer: false, servername: 'localhost' }, noEvents);
    } catch (e) {
      return e;
    }
    return null;
  })();
  t.ok(err instanceof TLSConfigError, 'TLSConfigError');
  t.equal((err as TLSConfigError).option, 'trustAnchors', 'names the missing option');
  t.match((err as Error).message, /insecureSkipVerify/, 'and says how to opt out explicitly');
  // rejectUnauthorized: false alone is not a choice of what to trust either.
  t.throws(() => new Connection({ isServer: false, rejectUnauthorized: false }, noEvents), TLSConfigError);
  // Both at once is ambiguous: refused.
  const pki = await sharedPki();
  t.throws(() => new Connection({ isServer: false, trustAnchors: [pki.root.der], insecureSkipVerify: true }, noEvents), TLSConfigError);
  t.throws(() => new Connection({ isServer: false, trustAnchors: [pki.root.der], minRSABits: 0 }, noEvents), TLSConfigError, 'policy options are checked too');
  // Each explicit choice constructs.
  // Anchors without a name to check would accept any certificate of any trusted CA: refused too.
  t.throws(() => new Connection({ isServer: false, trustAnchors: [pki.root.der] }, noEvents), { name: 'TLSConfigError', option: 'servername' }, 'anchors need a name');
  t.doesNotThrow(() => new Connection({ isServer: false, servername: 'localhost', trustAnchors: [pki.root.der] }, noEvents));
  t.doesNotThrow(() => new Connection({ isServer: false, serverIdentity: 'localhost', trustAnchors: [pki.root.der] }, noEvents), 'serverIdentity: a name without SNI');
  t.doesNotThrow(() => new Connection({ isServer: false, trustAnchors: [pki.root.der], checkServerIdentity: () => undefined }, noEvents), "the application's own name check");
  t.doesNotThrow(() => new Connection({ isServer: false, servername: 'localhost', trustAnchors: [] }, noEvents), 'an empty list trusts nothing: secure');
  t.doesNotThrow(() => new Connection({ isServer: false, insecureSkipVerify: true }, noEvents));
  t.doesNotThrow(() => new Connection({ isServer: false, verifyPeer: () => ({ authorized: true }) }, noEvents));
});

t.test('with trust anchors the engine alone refuses a server from another CA: unknown_ca on the wire', async (t) => {
  const pki = await sharedPki();
  const stranger = await createTestPki({ names: ['localhost'], organization: 'Stranger CA' });
  const p = await handshake({ trustAnchors: [pki.root.der] }, { certificateChain: stranger.chain, privateKey: stranger.server.key });
  t.notOk(p.client.completed, 'no handshake');
  const err = p.client.errors[0] as TLSAlertError;
  t.ok(err instanceof TLSAlertError);
  t.equal(err.alert, AlertDescription.unknown_ca, 'unknown_ca');
  t.ok(err.sent, 'sent by the client engine');
  t.match(err.message, /UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
  t.same(plaintextAlerts(p.client.wire), [[2, AlertDescription.unknown_ca]], 'one fatal unknown_ca alert record on the wire');
  t.equal((p.server.errors[0] as TLSAlertError).alert, AlertDescription.unknown_ca, 'the server receives it');
  t.equal(p.client.conn.peerVerdict?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.equal(p.client.sessions.length, 0, 'no session');
});

t.test('the right CA, as DER or parsed, completes; the name is checked (RFC 2818 3.1)', async (t) => {
  const pki = await sharedPki();
  const der = await handshake({ trustAnchors: [pki.root.der] });
  t.ok(der.client.completed);
  t.same(der.client.conn.peerVerdict, { authorized: true });
  const parsed = await handshake({ trustAnchors: [parseCertificate(pki.root.der)] });
  t.ok(parsed.client.completed, 'a parsed anchor works as well');
  const ip = await handshake({ trustAnchors: [pki.root.der], servername: '127.0.0.1' });
  t.ok(ip.client.completed, 'an IP literal is checked against the iPAddress names');
  const wrong = await handshake({ trustAnchors: [pki.root.der], servername: 'other.example.org' });
  t.notOk(wrong.client.completed);
  t.equal((wrong.client.errors[0] as TLSAlertError).alert, AlertDescription.certificate_unknown, 'certificate_unknown for a wrong name');
  t.same(plaintextAlerts(wrong.client.wire), [[2, AlertDescription.certificate_unknown]]);
  const identity = await handshake({ trustAnchors: [pki.root.der], servername: 'other.example.org', serverIdentity: 'localhost' });
  t.ok(identity.client.completed, 'serverIdentity overrides the name checked');
  const custom = await handshake({
    trustAnchors: [pki.root.der],
    checkServerIdentity: (name, chain) => (name === 'localhost' && chain.length > 0 ? new Error('pinned elsewhere') : undefined),
  });
  t.notOk(custom.client.completed, 'checkServerIdentity refuses');
  t.match(custom.client.errors[0]!.message, /pinned elsewhere/);
});

t.test('insecureSkipVerify completes against any certificate and says so in the verdict', async (t) => {
  const stranger = await createTestPki({ names: ['elsewhere.example'] });
  const p = await handshake({ insecureSkipVerify: true }, { certificateChain: stranger.chain, privateKey: stranger.server.key });
  t.ok(p.client.completed);
  t.equal(p.client.conn.peerVerdict?.authorized, false, 'not authorized');
  t.equal(p.client.conn.peerVerdict?.code, 'ERR_TLS_VERIFICATION_SKIPPED');
});

t.test('rejectUnauthorized: false verifies, completes and reports (node:tls semantics)', async (t) => {
  const pki = await sharedPki();
  const stranger = await createTestPki({ names: ['localhost'], organization: 'Stranger CA' });
  const p = await handshake({ trustAnchors: [pki.root.der], rejectUnauthorized: false }, { certificateChain: stranger.chain, privateKey: stranger.server.key });
  t.ok(p.client.completed);
  t.equal(p.client.conn.peerVerdict?.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.same(plaintextAlerts(p.client.wire), [], 'no alert');
});

t.test('a requestCert server verifies client certificates from its trustAnchors', async (t) => {
  const pki = await sharedPki();
  const client = { certificateChain: [pki.client!.der], privateKey: pki.client!.key };
  const ok = await handshake(client, { requestCert: true, rejectUnauthorized: true, trustAnchors: [pki.root.der] });
  t.ok(ok.server.completed);
  t.same(ok.server.conn.peerVerdict, { authorized: true });
  const stranger = await createTestPki({ client: 'ue.example.org', organization: 'Stranger CA' });
  const bad = await handshake(client, { requestCert: true, rejectUnauthorized: true, trustAnchors: [stranger.root.der] });
  t.notOk(bad.server.completed);
  t.equal((bad.server.errors[0] as TLSAlertError).alert, AlertDescription.unknown_ca);
  const none = await handshake(client, { requestCert: true, rejectUnauthorized: true });
  t.equal((none.server.errors[0] as TLSAlertError).alert, AlertDescription.unknown_ca, 'no anchors: nothing verifies');
});
