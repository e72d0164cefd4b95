/**
 * Issue 19 item 1: each key exchange is a strategy (lib/engine/key-exchange/) with a server and a
 * client half. The halves are driven here directly against each other, without the flows, and the
 * registry is checked against the suite table.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { pureProvider } from '../../lib/crypto/pure.js';
import { MODP_GROUP_14 } from '../../lib/crypto/dh.js';
import { TLSAlertError } from '../../lib/errors.js';
import { KEY_EXCHANGES, keyExchangeOf, type KeyExchangeAlgorithm } from '../../lib/engine/key-exchange/index.js';
import { noClientRequests, type ClientRequests } from '../../lib/engine/extensions/index.js';
import type { ServerEngineOptions } from '../../lib/engine/types.js';
import { TLS_1_0 } from '../../lib/record/constants.js';
import { CIPHER_SUITES, IMPLEMENTED_KEY_EXCHANGES, serverKeyUsageOf } from '../../lib/suites.js';
import { bytesEqual } from '../../lib/util/bytes.js';
import { sharedPki } from '../helpers/engine-pair.js';

const PSK = new Uint8Array(32).fill(7);
const requests = (ffdheGroups: number[] | null = null): ClientRequests => ({ ...noClientRequests(false), ffdheGroups });

async function halves(kx: KeyExchangeAlgorithm, serverOptions: Partial<ServerEngineOptions> = {}) {
  const pki = await sharedPki();
  const clientRandom = pureProvider.random(32);
  const serverRandom = pureProvider.random(32);
  const common = { provider: pureProvider, clientRandom, serverRandom };
  const server = kx.server({
    ...common,
    privateKey: pki.server.key,
    clientVersion: TLS_1_0,
    requests: requests(),
    // The RFC 4279 halves read the PSK options; the others ignore them.
    options: { isServer: true, certificateChain: pki.chain, privateKey: pki.server.key, pskCallback: () => PSK, pskIdentityHint: 'hint', ...serverOptions },
  });
  const client = kx.client({ ...common, serverPublicKey: pki.server.publicKey, options: { pskCallback: () => ({ identity: 'id', psk: PSK }) } });
  return { server, client };
}

t.test('the registry and the suite table name the same key exchanges', async (t) => {
  t.same(Object.keys(KEY_EXCHANGES).sort(), [...IMPLEMENTED_KEY_EXCHANGES].sort());
  for (const [name, kx] of Object.entries(KEY_EXCHANGES)) t.equal(kx!.name, name, `${name} row names itself`);
  for (const s of CIPHER_SUITES.filter((x) => x.implemented)) {
    t.equal(keyExchangeOf(s).name, s.keyExchange, `${s.name} has its strategy`);
    t.equal(s.serverKeyUsage, serverKeyUsageOf(s.keyExchange), `${s.name} carries its keyUsage`);
  }
  t.equal(serverKeyUsageOf('RSA'), 'keyEncipherment', 'RFC 2246 7.4.2: the RSA premaster is encrypted to the key');
  t.equal(serverKeyUsageOf('DHE_RSA'), 'digitalSignature', 'RFC 2246 7.4.2: DHE parameters are signed');
  t.equal(serverKeyUsageOf('DH_anon'), undefined, 'not implemented: no fact');
  t.equal(serverKeyUsageOf('constructor'), undefined, 'own rows only');
});

for (const kx of Object.values(KEY_EXCHANGES)) {
  t.test(`${kx!.name}: server and client halves agree on the premaster`, async (t) => {
    const { server, client } = await halves(kx!);
    const ske = server.serverKeyExchange();
    t.equal(ske !== null, kx!.serverKeyExchange !== 'none', 'a ServerKeyExchange exactly when the algorithm says so');
    if (ske) client.onServerKeyExchange(ske);
    const { body, preMaster } = client.clientKeyExchange();
    t.equal(preMaster.length > 0, true);
    const serverPremaster = await server.premaster(body);
    t.ok(bytesEqual(serverPremaster, preMaster), 'same premaster on both sides');
  });
}

t.test('RSA: a bad ClientKeyExchange gives a random premaster, not an error (Bleichenbacher)', async (t) => {
  const { server, client } = await halves(KEY_EXCHANGES.RSA!);
  const { body, preMaster } = client.clientKeyExchange();
  const bad = body.slice();
  bad[bad.length - 1]! ^= 1;
  const got = await server.premaster(bad);
  t.equal(got.length, 48);
  t.notOk(bytesEqual(got, preMaster));
});

t.test('DHE_RSA: the client half refuses a ServerKeyExchange whose signature does not verify', async (t) => {
  const { server, client } = await halves(KEY_EXCHANGES.DHE_RSA!);
  const ske = server.serverKeyExchange()!;
  const bad = ske.slice();
  bad[10]! ^= 1; // inside dh_p: the signature no longer covers the parameters
  let err: unknown;
  try {
    client.onServerKeyExchange(bad);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof TLSAlertError, 'a TLSAlertError');
  t.equal((err as TLSAlertError).alert, AlertDescription.decrypt_error, 'decrypt_error (RFC 2246 7.4.3)');
});

t.test('DHE_RSA: the RFC 7919 group choice lives with DHE', async (t) => {
  const dhe = KEY_EXCHANGES.DHE_RSA!;
  const none = {} as ServerEngineOptions;
  t.equal(dhe.unusableFor(requests(null), none), null, 'no FFDHE groups listed: any group');
  t.equal(dhe.unusableFor(requests([0x0100, 0x0101]), none), null, 'ffdhe2048 listed');
  t.equal(dhe.unusableFor(requests([0x0102]), none), null, 'ffdhe4096 alone is served too');
  t.equal(dhe.unusableFor(requests([0x0103, 0x0104]), none), null, 'ffdhe6144 and ffdhe8192 are served too');
  t.match(dhe.unusableFor(requests([0x0104]), { ffdheGroups: ['ffdhe2048', 'ffdhe3072', 'ffdhe4096'] } as unknown as ServerEngineOptions), /RFC 7919 4/, 'ffdhe8192 left out of the preference: no DHE');
  t.match(dhe.unusableFor(requests([0x0101]), { ffdheGroups: ['ffdhe2048'] } as unknown as ServerEngineOptions), /RFC 7919 4/, 'ffdhe3072 not in the configured preference: no DHE');
  t.equal(KEY_EXCHANGES.RSA!.unusableFor(requests([0x0101]), none), null, 'RSA does not care');
  // The configured group is used when the client names none; ffdhe2048 (p starts ff ff ff ff ff ff ff ff ad f8) when it does.
  const { server } = await halves(dhe, { dhGroup: MODP_GROUP_14 });
  const ske = server.serverKeyExchange()!;
  const pLength = (ske[0]! << 8) | ske[1]!;
  t.equal(pLength, 256, '2048-bit prime');
  t.equal(Buffer.from(ske.subarray(2, 12)).toString('hex'), 'ffffffffffffffffc90f', 'RFC 3526 group 14 (configured)');
  const pki = await sharedPki();
  const ffdhe = dhe
    .server({ provider: pureProvider, clientRandom: new Uint8Array(32), serverRandom: new Uint8Array(32), privateKey: pki.server.key, clientVersion: TLS_1_0, requests: requests([0x0100]), options: { isServer: true, certificateChain: pki.chain, privateKey: pki.server.key, dhGroup: MODP_GROUP_14 } })
    .serverKeyExchange()!;
  t.equal(Buffer.from(ffdhe.subarray(2, 12)).toString('hex'), 'ffffffffffffffffadf8', 'RFC 7919 ffdhe2048 when the client asks for it');
});
