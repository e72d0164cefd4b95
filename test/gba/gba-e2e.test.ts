/**
 * GBA end to end (issue 20 "Tests"), over real sockets on 127.0.0.1, TS 24.109 Annex F.3 as ut-tls
 * runs it: Ks and RAND are made up (a BSF run is out of scope), the UE derives Ks_NAF with ksNaf for
 * NAF_Id = NAF FQDN || (0x01,0x00,0x01,suite), the AP's lookup derives the same key from the B-TID it
 * receives as psk_identity (standing in for the BSF's Zn answer), and the PSK handshake completes with
 * server_name = the NAF FQDN and hint "3GPP-bootstrapping". A B-TID whose bootstrapping session
 * expired is refused. Then gnutls-serv in PSK mode with a pskpasswd file (user = the B-TID, key =
 * Ks_NAF from ut-tls/gba) against the ut-tls client.
 */
import t from 'tap';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, createServer, suiteByName, type TLSSocket } from '../../lib/index.js';
import { formatBtid, gbaClientPskCallback, gbaPskCallback, ksNaf, nafId, parseBtid, uaSharedKeyTls, GBA_ME_HINT, type GbaRefusal } from 'ut-tls/gba';
import { runCliClient, startGnutlsServer, tempDir, type Teardown } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const NAF = 'naf.example.org';
const IMPI = '001010123456789@ims.mnc001.mcc001.3gppnetwork.org';
const BSF = 'bsf.mnc001.mcc001.pub.3gppnetwork.org';
/** One made-up bootstrapping session per UE: Ks = CK || IK and the RAND of its AKA run. */
const LIVE = { ks: new Uint8Array(32).map((_, i) => i * 7 + 1), rand: new Uint8Array(16).map((_, i) => 0xa0 + i) };
const OLD = { ks: new Uint8Array(32).fill(0x5a), rand: new Uint8Array(16).fill(0x33) };
const NOW = Date.now();

/** The BSF's view (what Zn would answer): B-TID -> session, lifetime included. */
const bsfSessions = new Map([
  [formatBtid(LIVE.rand, BSF), { ...LIVE, impi: IMPI, expiresAt: NOW + 3_600_000 }],
  [formatBtid(OLD.rand, BSF), { ...OLD, impi: IMPI, expiresAt: NOW - 1_000 }],
]);

function ueKey(session: { ks: Uint8Array; rand: Uint8Array }, suite: number, fqdn = NAF): Uint8Array {
  return ksNaf({ ks: session.ks, rand: session.rand, impi: IMPI, nafId: nafId(fqdn, uaSharedKeyTls(suite)) });
}

async function startAp(t: Teardown, suites: string[]) {
  const refusals: GbaRefusal[] = [];
  const randsSeen: string[] = [];
  const gba = gbaPskCallback({
    lookup: (btid, id, ctx) => {
      const s = bsfSessions.get(btid);
      if (!s) return null;
      randsSeen.push(Buffer.from(ctx.btid.rand).toString('hex'));
      return { key: ksNaf({ ks: s.ks, rand: s.rand, impi: s.impi, nafId: id }), expiresAt: s.expiresAt, info: { impi: s.impi } };
    },
    onRefused: (r) => refusals.push(r),
  });
  const errors: string[] = [];
  const server = createServer({ pskCallback: gba, pskIdentityHint: GBA_ME_HINT, cipherSuites: suites }, (s) => s.pipe(s));
  server.on('tlsClientError', (e: Error & { code?: string }) => errors.push(e.code ?? e.message));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as AddressInfo).port, gba, refusals, randsSeen, errors, server };
}

/** The UE: offers one PSK suite with server_name = the NAF FQDN, answers the hint with B-TID and key. */
function ue(port: number, suite: string, btid: string, key: Uint8Array) {
  const hints: (string | null)[] = [];
  const answer = gbaClientPskCallback({ btid, ksNaf: key });
  const socket = connect({ host: '127.0.0.1', port, servername: NAF, cipherSuites: [suite], pskCallback: (hint) => (hints.push(hint), answer(hint)) });
  return new Promise<{ socket: TLSSocket; hints: (string | null)[]; error?: Error & { code?: string } }>((resolve) => {
    socket.once('secureConnect', () => resolve({ socket, hints }));
    socket.once('error', (error) => resolve({ socket, hints, error }));
  });
}

async function echo(socket: TLSSocket, text: string): Promise<string> {
  socket.write(text);
  let got = '';
  for await (const chunk of socket) {
    got += String(chunk);
    if (got.length >= text.length) break;
  }
  socket.destroy();
  return got;
}

for (const suite of ['TLS_PSK_WITH_3DES_EDE_CBC_SHA', 'TLS_PSK_WITH_AES_128_CBC_SHA', 'TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA']) {
  t.test(`UE and AP agree on Ks_NAF for ${suite} and the handshake completes`, { timeout: 20_000 }, async (t) => {
    const ap = await startAp(t, [suite]);
    const btid = formatBtid(LIVE.rand, BSF);
    const id = suiteByName(suite)!.id;
    const serverSide = once(ap.server, 'secureConnection') as Promise<[TLSSocket]>;
    const { socket, hints, error } = await ue(ap.port, suite, btid, ueKey(LIVE, id));
    t.error(error, 'handshake');
    t.same(hints, [GBA_ME_HINT], 'the UE saw hint "3GPP-bootstrapping"');
    t.equal(socket.getCipher()?.standardName, suite);
    const [peer] = await serverSide;
    t.equal(peer.servername, NAF, 'server_name carried the NAF FQDN');
    t.match(ap.gba.authenticationOf(peer), { btid, nafFqdn: NAF, info: { impi: IMPI } }, 'the AP knows the B-TID it authenticated');
    t.same([...ap.gba.authenticationOf(peer)!.nafId.slice(-5)], [0x01, 0x00, 0x01, id >> 8, id & 0xff], 'NAF_Id ends with the suite');
    t.equal(await echo(socket, 'hello over GBA\n'), 'hello over GBA\n');
    t.same(ap.refusals, []);
    t.same(ap.randsSeen, [Buffer.from(LIVE.rand).toString('hex')], 'the AP read RAND out of the B-TID');
  });
}

t.test('a B-TID whose bootstrapping session expired is refused', { timeout: 20_000 }, async (t) => {
  const suite = 'TLS_PSK_WITH_3DES_EDE_CBC_SHA';
  const ap = await startAp(t, [suite]);
  // The UE still holds the (correct) key of its old session: the AP refuses it anyway.
  const { error } = await ue(ap.port, suite, formatBtid(OLD.rand, BSF), ueKey(OLD, 0x008b));
  t.ok(error, 'the handshake fails');
  t.same(ap.refusals, ['expired']);
  t.ok(ap.errors.length > 0, 'the AP reports a tlsClientError');
});

t.test('an unknown B-TID and a key for another suite fail the same way', { timeout: 20_000 }, async (t) => {
  const suite = 'TLS_PSK_WITH_3DES_EDE_CBC_SHA';
  const ap = await startAp(t, [suite]);
  const unknown = await ue(ap.port, suite, formatBtid(new Uint8Array(16).fill(9), BSF), ueKey(LIVE, 0x008b));
  const wrongSuite = await ue(ap.port, suite, formatBtid(LIVE.rand, BSF), ueKey(LIVE, 0x008c));
  t.ok(unknown.error && wrongSuite.error, 'both fail');
  t.equal(unknown.error?.code, wrongSuite.error?.code, `same client-side error (${unknown.error?.code})`);
  t.same(ap.refusals, ['unknown'], 'only the unknown one was refused by the lookup; the other failed at Finished');
});

t.test('gnutls-serv --pskpasswd (user = B-TID, key = Ks_NAF from ut-tls/gba) against the ut-tls client', { timeout: 20_000 }, async (t) => {
  const pki = await testPki();
  const dir = tempDir(t);
  const btid = formatBtid(LIVE.rand, BSF);
  t.equal(parseBtid(btid).bsfDomain, BSF);
  const key = ueKey(LIVE, 0x008b);
  const file = join(dir, 'gba.passwd');
  writeFileSync(file, `${btid}:${Buffer.from(key).toString('hex')}\n`);
  const peer = await startGnutlsServer(t, {
    certFile: pki.certFile,
    keyFile: pki.keyFile,
    priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+PSK:-MAC-ALL:+SHA1:%COMPAT',
    extraArgs: ['--pskpasswd', file, '--pskhint', GBA_ME_HINT],
  });
  const { socket, hints, error } = await ue(peer.port, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', btid, key);
  t.error(error, 'handshake');
  t.same(hints, [GBA_ME_HINT], 'gnutls-serv sent the GBA hint');
  t.equal(socket.getCipher()?.standardName, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA');
  t.equal(await echo(socket, 'ping\n'), 'ping\n', 'gnutls-serv --echo answered');

  const wrong = await ue(peer.port, 'TLS_PSK_WITH_3DES_EDE_CBC_SHA', btid, ueKey(LIVE, 0x008b, 'other.example.org'));
  t.ok(wrong.error, 'a Ks_NAF for another NAF does not work');
});

t.test('the same with the ut-tls command: ut-tls client --psk-identity <B-TID> --psk-key <Ks_NAF from ut-tls/gba> -> gnutls-serv', { timeout: 30_000 }, async (t) => {
  const pki = await testPki();
  const dir = tempDir(t);
  const btid = formatBtid(LIVE.rand, BSF);
  // TLS_PSK_WITH_AES_128_CBC_SHA = 0x008C: the UE derives for NAF_Id = FQDN || 01 00 01 00 8c.
  const keyHex = Buffer.from(ueKey(LIVE, 0x008c)).toString('hex');
  const file = join(dir, 'gba.passwd');
  writeFileSync(file, `${btid}:${keyHex}\n`);
  const peer = await startGnutlsServer(t, {
    certFile: pki.certFile,
    keyFile: pki.keyFile,
    priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+PSK:-MAC-ALL:+SHA1:%COMPAT',
    extraArgs: ['--pskpasswd', file, '--pskhint', GBA_ME_HINT],
  });
  const r = await runCliClient(t, [`127.0.0.1:${peer.port}`, '--servername', NAF, '--suites', 'TLS_PSK_WITH_AES_128_CBC_SHA', '--psk-identity', btid, '--psk-key', keyHex], 'gba ping\n', 20_000, /gba ping/);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, `psk: identity ${JSON.stringify(btid)} hint "3GPP-bootstrapping"`, 'the CLI shows the GBA hint');
  t.match(r.stdout, 'gba ping', 'echoed by gnutls-serv');
});
