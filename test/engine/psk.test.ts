/**
 * Issue 20 items 1-2 in process: the RFC 4279 key exchanges (PSK, DHE_PSK, RSA_PSK) through the
 * flows, the premaster of RFC 4279 2, the hint, unknown identity vs. wrong key, the secure default
 * (no PSK suite without pskCallback) and malformed bodies. On-the-wire interop is test/socket/psk-*.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { KEY_EXCHANGES } from '../../lib/engine/key-exchange/index.js';
import { noClientRequests } from '../../lib/engine/extensions/index.js';
import type { ClientEngineOptions, ServerEngineOptions } from '../../lib/engine/types.js';
import { TLSAlertError, TLSConfigError } from '../../lib/errors.js';
import { MAX_PSK_IDENTITY_BYTES, pskPremaster } from '../../lib/messages/psk-key-exchange.js';
import { resolveSuites } from '../../lib/policy/suite-selection.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import { TLS_1_0 } from '../../lib/record/constants.js';
import { CIPHER_SUITES, suiteHex } from '../../lib/suites.js';
import { ByteWriter, bytesEqual, DecodeError, utf8 } from '../../lib/util/bytes.js';
import { makePair, sharedPki, type Pair } from '../helpers/engine-pair.js';
import { expectAlert } from '../helpers/expect-alert.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const IDENTITY = 'AQIDBAUGBwgJCgsMDQ4PEA==@bsf.mnc001.mcc001.pub.3gppnetwork.org';
const PSK_SUITES = CIPHER_SUITES.filter((s) => s.psk);

/** Delivers until both sides are done or one failed (the server lookup may answer later). */
async function settle(p: Pair): Promise<void> {
  for (let i = 0; i < 200; i++) {
    p.flush();
    const failed = p.client.errors.length > 0 || p.server.errors.length > 0;
    if ((p.client.completed && p.server.completed) || (failed && p.client.queue.length === 0 && p.server.queue.length === 0)) return;
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function run(clientOptions: Partial<ClientEngineOptions>, serverOptions: Partial<ServerEngineOptions>): Promise<Pair> {
  const p = await makePair(clientOptions, serverOptions);
  p.client.conn.start();
  await settle(p);
  return p;
}

t.test('RFC 4279 suite rows: 12 suites 0x008A-0x0095, implemented, PSK-marked, not anonymous', async (t) => {
  t.same(PSK_SUITES.map((s) => s.id), Array.from({ length: 12 }, (_, i) => 0x8a + i));
  for (const s of PSK_SUITES) {
    t.ok(s.implemented, `${s.name} implemented`);
    t.equal(s.anonymous, false, `${s.name}: not anonymous (TS 33.141 7.2(a) concerns DH_anon)`);
    t.equal(s.rfc, 'RFC 4279');
  }
  t.equal(CIPHER_SUITES.find((s) => s.id === 0x93)!.name, 'TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA');
  t.equal(CIPHER_SUITES.find((s) => s.id === 0x8e)!.name, 'TLS_DHE_PSK_WITH_RC4_128_SHA');
});

t.test('premaster of RFC 4279 2: len(N) || N zeros || len(N) || psk', async (t) => {
  const pm = pskPremaster(new Uint8Array(3), Uint8Array.of(9, 8, 7));
  t.same([...pm], [0, 3, 0, 0, 0, 0, 3, 9, 8, 7]);
});

t.test('secure defaults: no PSK suite without pskCallback; listing one without it is a TLSConfigError', async (t) => {
  t.notOk(resolveSuites(undefined, 'client').some((s) => s.psk));
  t.notOk(resolveSuites(undefined, 'server').some((s) => s.psk));
  t.ok(resolveSuites(undefined, 'client', { psk: true }).some((s) => s.psk));
  t.throws(() => resolveSuites(['PSK-AES128-CBC-SHA'], 'client'), TLSConfigError);
  t.throws(() => resolveSuites(['TLS_DHE_PSK_WITH_AES_128_CBC_SHA'], 'server'), /pskCallback/);
  const noCert = resolveSuites(undefined, 'server', { psk: true, certificate: false });
  t.ok(noCert.length > 0 && noCert.every((s) => s.serverKeyUsage === null), 'without a certificate the server defaults need none');
});

for (const suite of PSK_SUITES) {
  t.test(`${suite.name} (${suiteHex(suite.id)}): handshake, hint, identity, data both ways`, async (t) => {
    const hints: (string | null)[] = [];
    const identities: string[] = [];
    const p = await run(
      { cipherSuites: [suite.id], pskCallback: (hint) => (hints.push(hint), { identity: IDENTITY, psk: KEY }) },
      { cipherSuites: [suite.id], pskIdentityHint: '3GPP-bootstrapping', pskCallback: (id) => (identities.push(id), id === IDENTITY ? KEY : null) },
    );
    t.same(p.client.errors.map((e) => e.message), []);
    t.ok(p.client.completed && p.server.completed, 'both sides complete');
    t.equal(p.client.conn.cipherSuite?.id, suite.id);
    t.same(hints, ['3GPP-bootstrapping'], 'the hint arrives');
    t.same(identities, [IDENTITY], 'the identity arrives');
    t.equal(p.client.conn.peerVerdict?.authorized, suite.serverKeyUsage === null ? true : true, 'the peer is authenticated');
    p.client.conn.write(utf8('ping'));
    p.server.conn.write(utf8('pong'));
    p.flush();
    t.equal(new TextDecoder().decode(p.receivedBy(p.server)), 'ping');
    t.equal(new TextDecoder().decode(p.receivedBy(p.client)), 'pong');
  });
}

t.test('a PSK-only server needs no certificate; a client offering only PSK needs no trust anchors', async (t) => {
  const p = await run(
    { cipherSuites: ['PSK-AES128-CBC-SHA'], pskCallback: () => ({ identity: 'ue', psk: KEY }), trustAnchors: undefined, servername: undefined },
    { cipherSuites: ['PSK-AES128-CBC-SHA'], pskCallback: () => KEY, certificateChain: [], privateKey: undefined },
  );
  t.ok(p.client.completed && p.server.completed);
  await t.rejects(async () => makePair({}, { cipherSuites: ['AES128-SHA'], certificateChain: [], privateKey: undefined }).then((x) => x), /certificate/);
});

t.test('a PSK session resumes (abbreviated handshake) and stays authenticated', async (t) => {
  const server: Partial<ServerEngineOptions> = { cipherSuites: ['PSK-AES256-CBC-SHA'], pskCallback: () => KEY, sessionStore: new MemorySessionStore() };
  const client: Partial<ClientEngineOptions> = { cipherSuites: ['PSK-AES256-CBC-SHA'], pskCallback: () => ({ identity: 'ue', psk: KEY }) };
  const first = await run(client, server);
  const session = first.client.sessions[0] ?? first.client.conn.session;
  t.ok(session, 'a session');
  const second = await run({ ...client, session: session! }, server);
  t.ok(second.client.completed && second.server.completed);
  t.equal(second.client.conn.resumed, true, 'resumed');
  t.equal(second.client.conn.peerVerdict?.authorized, true);
  t.equal(second.server.conn.peerVerdict?.authorized, true);
});

t.test('no hint: PSK sends no ServerKeyExchange and the client callback gets null', async (t) => {
  const hints: (string | null)[] = [];
  const p = await run({ cipherSuites: ['PSK-3DES-EDE-CBC-SHA'], pskCallback: (h) => (hints.push(h), { identity: 'ue', psk: KEY }) }, { cipherSuites: ['PSK-3DES-EDE-CBC-SHA'], pskCallback: () => KEY });
  t.ok(p.client.completed);
  t.same(hints, [null]);
});

t.test('the server lookup may answer asynchronously (GBA: the BSF lookup)', async (t) => {
  const p = await run(
    { cipherSuites: ['DHE-PSK-AES256-CBC-SHA'], pskCallback: () => ({ identity: IDENTITY, psk: KEY }) },
    { cipherSuites: ['DHE-PSK-AES256-CBC-SHA'], pskCallback: (id) => new Promise((r) => setTimeout(() => r(id === IDENTITY ? KEY : null), 5)) },
  );
  t.ok(p.client.completed && p.server.completed);
});

t.test('unknown identity and wrong key fail the same way, at the Finished, with the same alert', async (t) => {
  const outcome = async (identity: string, psk: Uint8Array) => {
    const p = await run(
      { cipherSuites: ['PSK-AES128-CBC-SHA'], pskCallback: () => ({ identity, psk }) },
      { cipherSuites: ['PSK-AES128-CBC-SHA'], pskCallback: (id) => (id === IDENTITY ? KEY : null) },
    );
    t.notOk(p.client.completed || p.server.completed, `${identity}: no completion`);
    const serverErr = p.server.errors[0] as TLSAlertError | undefined;
    const clientErr = p.client.errors[0] as TLSAlertError | undefined;
    return { server: serverErr?.alert, client: clientErr?.alert, serverSent: serverErr?.sent };
  };
  const wrongKey = await outcome(IDENTITY, new Uint8Array(32).fill(0xee));
  const unknown = await outcome('nobody@example.org', KEY);
  t.same(unknown, wrongKey, 'indistinguishable');
  t.equal(wrongKey.server, AlertDescription.bad_record_mac, 'the client Finished does not authenticate under the wrong keys');
  t.equal(wrongKey.serverSent, true);
  t.equal(wrongKey.client, AlertDescription.bad_record_mac, 'the client is told bad_record_mac');
});

t.test('client pskCallback returning null ends the handshake with handshake_failure', async (t) => {
  const p = await run({ cipherSuites: ['PSK-AES128-CBC-SHA'], pskCallback: () => null }, { cipherSuites: ['PSK-AES128-CBC-SHA'], pskIdentityHint: 'h', pskCallback: () => KEY });
  t.equal((p.client.errors[0] as TLSAlertError).alert, AlertDescription.handshake_failure);
  t.notOk(p.server.completed);
});

t.test('hostile ClientKeyExchange bodies: truncated, identity length overflow, over-long, bad UTF-8', async (t) => {
  const pki = await sharedPki();
  for (const name of ['PSK', 'DHE_PSK', 'RSA_PSK'] as const) {
    const kx = KEY_EXCHANGES[name]!;
    const half = () => {
      const s = kx.server({
        provider: pureProvider,
        clientRandom: new Uint8Array(32),
        serverRandom: new Uint8Array(32),
        privateKey: pki.server.key,
        clientVersion: TLS_1_0,
        requests: noClientRequests(false),
        options: { isServer: true, pskCallback: () => KEY, pskIdentityHint: 'h' },
      });
      s.serverKeyExchange();
      return s;
    };
    t.throws(() => half().premaster(new Uint8Array(0)), DecodeError, `${name}: empty`);
    t.throws(() => half().premaster(Uint8Array.of(0)), DecodeError, `${name}: truncated length`);
    t.throws(() => half().premaster(Uint8Array.of(0xff, 0xff, 0x41)), DecodeError, `${name}: identity length overflow`);
    const long = new ByteWriter().vector(2, new Uint8Array(MAX_PSK_IDENTITY_BYTES + 1).fill(0x41)).finish();
    expectAlert(t, () => half().premaster(long), AlertDescription.illegal_parameter, /1024/, `${name}: identity over the limit`);
    const badUtf8 = new ByteWriter().vector(2, Uint8Array.of(0xc3, 0x28)).finish();
    t.throws(() => half().premaster(badUtf8), DecodeError, `${name}: not UTF-8`);
    if (name !== 'PSK') {
      const noRest = new ByteWriter().vector(2, utf8('ue')).finish();
      t.throws(() => half().premaster(noRest), DecodeError, `${name}: identity without its second part`);
    } else {
      const trailing = new ByteWriter().vector(2, utf8('ue')).bytes(Uint8Array.of(1)).finish();
      t.throws(() => half().premaster(trailing), DecodeError, `${name}: trailing bytes`);
    }
  }
  t.ok(bytesEqual(KEY, KEY));
});
