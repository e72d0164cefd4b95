/**
 * The TS 33.141 profile on the wire against GnuTLS 3.7 (issue 4): the AP's refusals of 7.2(a), (c)
 * and (d) as real peers see them (the alert, and the CLI's stderr line naming the clause), the
 * DHE_RSA suites in both directions, and RFC 5746 renegotiation accepted or refused.
 */
import t from 'tap';
import { once } from 'node:events';
import { connect, type TLSSocket } from '../../lib/index.js';
import {
  GNUTLS_PRIORITY,
  runCliClient,
  runGnutlsClient,
  startCliServer,
  startGnutlsServer,
  startRelay,
  gnutlsDhParams,
  tempDir,
  waitForOutput,
  HS,
  withoutPeer,
} from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const TLS10 = 'NORMAL:-VERS-ALL:+VERS-TLS1.0';
/** GnuTLS names of the three DHE_RSA suites' ciphers. */
const DHE = {
  TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA: '3DES-CBC',
  TLS_DHE_RSA_WITH_AES_128_CBC_SHA: 'AES-128-CBC',
  TLS_DHE_RSA_WITH_AES_256_CBC_SHA: 'AES-256-CBC',
} as const;
const dhePriority = (cipher: string) => `${TLS10}:-CIPHER-ALL:+${cipher}:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT`;

/** The one "refused ..." line of a CLI server, once it is there. */
async function refusedLine(stderr: () => string): Promise<string> {
  return withoutPeer((await waitForOutput(stderr, /^refused .*$/m))[0]);
}

t.test('TS 33.141 7.2(a): gnutls-cli offering only anonymous DH is refused with handshake_failure', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile]);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: `${TLS10}:-KX-ALL:+ANON-DH:%COMPAT`, input: 'x\n' });
  t.equal(r.code, 1, 'gnutls-cli fails');
  t.match(r.stdout + r.stderr, /\*\*\* Received alert \[40\]: Handshake failed/, 'gnutls-cli received handshake_failure (40)');
  t.equal(
    await refusedLine(server.stderr),
    'refused code=ERR_TLS_ALERT_HANDSHAKE_FAILURE alert=handshake_failure(40) reason=TS 33.141 7.2(a): client offered only anonymous suites (sent handshake_failure alert 40)',
  );
  t.notMatch(withoutPeer(server.stderr()), /^handshake /m, 'no handshake completed');
});

t.test('TS 33.141 7.2(c): gnutls-cli offering only the NULL cipher is refused, even with --allow-null', BOUNDED, async (t) => {
  const priority = `${TLS10}:-CIPHER-ALL:+NULL:-KX-ALL:+RSA:-MAC-ALL:+SHA1:+MD5:%COMPAT`;
  for (const extra of [[], ['--allow-null']]) {
    const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, ...extra]);
    const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority, input: 'x\n' });
    t.equal(r.code, 1, `gnutls-cli fails (${extra.join(' ') || 'defaults'})`);
    t.match(r.stdout + r.stderr, /\*\*\* Received alert \[40\]: Handshake failed/);
    t.match(await refusedLine(server.stderr), /^refused code=ERR_TLS_ALERT_HANDSHAKE_FAILURE alert=handshake_failure\(40\) reason=TS 33.141 7\.2\(c\): no offered suite has encryption/);
  }
});

t.test('an offer mixing anonymous, NULL and one acceptable suite is accepted with that suite', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const priority = `${TLS10}:-CIPHER-ALL:+NULL:+3DES-CBC:-KX-ALL:+ANON-DH:+RSA:-MAC-ALL:+SHA1:%COMPAT`;
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority, input: 'mixed offer\n' });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /- Description: \(TLS1\.0-X\.509\)-\(RSA\)-\(3DES-CBC\)-\(SHA1\)/, 'gnutls-cli reports RSA 3DES');
  t.match(r.stdout, /mixed offer/, 'echoed');
  await waitForOutput(() => withoutPeer(server.stderr()), /^handshake /m);
  t.equal(withoutPeer(server.stderr()), 'handshake suite=TLS_RSA_WITH_3DES_EDE_CBC_SHA resumed=no servername=-\n');
});

t.test('the same mix with --allow-null: the AP still prefers the encrypting suite', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--allow-null']);
  const priority = `${TLS10}:-CIPHER-ALL:+NULL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT`;
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority, input: 'x\n' });
  t.equal(r.code, 0);
  await waitForOutput(() => withoutPeer(server.stderr()), /^handshake /m);
  t.equal(withoutPeer(server.stderr()), 'handshake suite=TLS_RSA_WITH_3DES_EDE_CBC_SHA resumed=no servername=-\n');
});

t.test('--allow-null: a NULL-encryption suite is negotiated when the client also offers encryption it does not share', BOUNDED, async (t) => {
  // The AP's list is only NULL-SHA; gnutls offers NULL-SHA and ARCFOUR-128 (RC4 is not in the AP's list).
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--allow-null', '--suites', 'TLS_RSA_WITH_NULL_SHA']);
  const priority = `${TLS10}:-CIPHER-ALL:+NULL:+ARCFOUR-128:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT`;
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority, input: 'integrity only\n' });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /- Description: \(TLS1\.0-X\.509\)-\(RSA\)-\(NULL\)-\(SHA1\)/);
  t.match(r.stdout, /integrity only/);
  await waitForOutput(() => withoutPeer(server.stderr()), /^handshake /m);
  t.equal(withoutPeer(server.stderr()), 'handshake suite=TLS_RSA_WITH_NULL_SHA resumed=no servername=-\n');
});

t.test('TS 33.141 7.2(d): --require-encryption-128 refuses a UE offering only single DES (insufficient_security)', BOUNDED, async (t) => {
  // GnuTLS 3.7 has no suite under 128 bits left, so the UE here is our own client.
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--require-encryption-128', '--suites', 'TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_DES_CBC_SHA']);
  const r = await runCliClient(t, [`127.0.0.1:${server.port}`, '--ca', pki.caFile, '--suites', 'TLS_RSA_WITH_DES_CBC_SHA'], 'x\n');
  t.equal(r.code, 1);
  t.match(r.stderr, /^handshake failed code=ERR_TLS_ALERT_RECEIVED_INSUFFICIENT_SECURITY alert=insufficient_security\(71\)/);
  t.match(await refusedLine(server.stderr), /^refused code=ERR_TLS_ALERT_INSUFFICIENT_SECURITY alert=insufficient_security\(71\) reason=TS 33.141 7\.2\(d\): /);
  // Without the operator policy the same offer is served.
  const lax = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--suites', 'TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_DES_CBC_SHA']);
  const ok = await runCliClient(t, [`127.0.0.1:${lax.port}`, '--ca', pki.caFile, '--suites', 'TLS_RSA_WITH_DES_CBC_SHA'], 'des\n', 15_000, /des\n/);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(ok.stdout, 'des\n');
});

// ---- DHE_RSA (RFC 2246 7.4.3) with GnuTLS, both directions ----------------------------------------

t.test('DHE_RSA: gnutls-cli -> ut-tls server --dhe, each suite', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--dhe']);
  const relay = await startRelay(t, server.port);
  const suites = Object.keys(DHE) as (keyof typeof DHE)[];
  for (const suite of suites) {
    const r = await runGnutlsClient(t, { port: relay.port, caFile: pki.caFile, priority: dhePriority(DHE[suite]), input: `over ${suite}\n` });
    t.equal(r.code, 0, `${suite}: gnutls-cli exit code`);
    t.match(r.stdout, new RegExp(`- Description: \\(TLS1\\.0-X\\.509\\)-\\(DHE-FFDHE2048\\)-\\(${DHE[suite]}\\)-\\(SHA1\\)`), `${suite}: gnutls-cli used a 2048-bit DHE group (ffdhe2048, RFC 7919, since GnuTLS lists it)`);
    t.match(r.stdout, `over ${suite}`, 'echoed');
  }
  await waitForOutput(() => withoutPeer(server.stderr()), /(^handshake .*\n){3}/m);
  t.same(
    withoutPeer(server.stderr()).trim().split('\n'),
    suites.map((s) => `handshake suite=${s} resumed=no servername=-`),
  );
  await Promise.all(relay.connections.map((c) => c.closed));
  for (const c of relay.connections) {
    // gnutls-cli asks for a ticket: NewSessionTicket (4) comes before the server's ChangeCipherSpec (RFC 5077 3.3).
    t.same(c.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.server_key_exchange, HS.server_hello_done, 4], 'the AP sent a ServerKeyExchange');
  }
});

t.test('DHE_RSA: --dh-group picks the group for clients that list no RFC 7919 group (ours); GnuTLS gets ffdhe2048 anyway', BOUNDED, async (t) => {
  // The first bytes of each prime after its 64 one-bits (RFC 3526 group 14, RFC 7919 ffdhe2048).
  const MODP2048 = 'ffffffffffffffffc90fdaa2';
  const FFDHE2048 = 'ffffffffffffffffadf85458';
  const primeOf = (c: { fromServer(): { handshakeMessages: { type: number; body: Uint8Array }[] } }) => {
    const ske = c.fromServer().handshakeMessages.find((m) => m.type === HS.server_key_exchange)!.body;
    return { bits: ((ske[0]! << 8) | ske[1]!) * 8, head: Buffer.from(ske.subarray(2, 14)).toString('hex') };
  };
  for (const [args, head] of [[[], MODP2048], [['--dh-group', 'ffdhe2048'], FFDHE2048], [['--dh-group', 'modp2048'], MODP2048]] as const) {
    const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--dhe', ...args]);
    const relay = await startRelay(t, server.port);
    const r = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile, '--suites', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'], 'x\n', 15_000, /x\n/);
    t.equal(r.code, 0, r.stderr);
    await relay.connections[0]!.closed;
    t.same(primeOf(relay.connections[0]!), { bits: 2048, head }, `${args.join(' ') || 'default'}: the prime in our ServerKeyExchange`);
  }
  // GnuTLS lists ffdhe2048 in supported_groups: RFC 7919 wins over --dh-group.
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--dhe', '--dh-group', 'modp2048']);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: dhePriority('AES-128-CBC'), input: 'x\n' });
  t.equal(r.code, 0);
  t.match(r.stdout, /- Description: \(TLS1\.0-X\.509\)-\(DHE-FFDHE2048\)-\(AES-128-CBC\)-\(SHA1\)/);
});

t.test('DHE_RSA: our client -> gnutls-serv --dhparams, each suite', BOUNDED, async (t) => {
  const dir = tempDir(t);
  const priority = `${TLS10}:-CIPHER-ALL:+3DES-CBC:+AES-128-CBC:+AES-256-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT`;
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority, extraArgs: ['--dhparams', gnutlsDhParams(dir)] });
  for (const suite of Object.keys(DHE)) {
    const socket = connect({ host: '127.0.0.1', port: gs.port, ca: pki.caPem, cipherSuites: [suite] });
    const line = `dhe ${suite}\n`;
    const echoed = collect(socket, line.length);
    await once(socket, 'secureConnect');
    t.equal(socket.getCipher()?.standardName, suite);
    t.equal(socket.authorized, true);
    socket.write(line);
    t.equal(await echoed, line, `${suite}: echoed by gnutls-serv`);
    socket.end();
  }
});

t.test('DHE_RSA through the CLI client against gnutls-serv', BOUNDED, async (t) => {
  const dir = tempDir(t);
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: dhePriority('3DES-CBC'), extraArgs: ['--dhparams', gnutlsDhParams(dir)] });
  const r = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', pki.caFile, '--suites', 'EDH-RSA-DES-CBC3-SHA'], 'cli dhe\n');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, 'protocol TLSv1 suite TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA resumed: no\n');
  t.equal(r.stdout, 'cli dhe\n');
});

// ---- RFC 5746 renegotiation -----------------------------------------------------------------------

t.test('secure renegotiation: gnutls-cli --rehandshake with ut-tls server --renegotiation secure', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--renegotiation', 'secure']);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, input: 'after rehandshake\n', extraArgs: ['--rehandshake'] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /- Options: safe renegotiation,/, 'both sides signalled RFC 5746');
  t.match(r.stdout, /- ReHandshake was completed/);
  t.match(r.stdout, /after rehandshake/, 'data flows after the renegotiation');
  await waitForOutput(() => withoutPeer(server.stderr()), /^renegotiated .*\n/m);
  t.equal(
    withoutPeer(server.stderr()),
    'handshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=-\nrenegotiated suite=TLS_RSA_WITH_AES_128_CBC_SHA servername=-\n',
  );
});

t.test('renegotiation refused by default: gnutls-cli --rehandshake gets no_renegotiation (100) warnings', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, input: 'x\n', extraArgs: ['--rehandshake'] });
  t.match(r.stdout, /- Handshake was completed/, 'the first handshake completed');
  t.match(r.stdout + r.stderr, /\*\*\* Received alert \[100\]: No renegotiation is allowed/, 'each renegotiating ClientHello got a no_renegotiation warning');
  // gnutls-cli retries the handshake after every non-fatal error, then gives up by itself.
  t.match(r.stdout + r.stderr, /\*\*\* ReHandshake has failed/);
  t.equal(r.code, 1);
  await waitForOutput(() => withoutPeer(server.stderr()), /^connection error .*\n/m);
  t.notMatch(withoutPeer(server.stderr()), /^renegotiated /m, 'the AP never renegotiated');
  t.match(withoutPeer(server.stderr()), /^handshake suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=-\nconnection error code=ERR_TLS_ALERT_RECEIVED_INTERNAL_ERROR /, 'the connection ended by gnutls-cli giving up');
});

t.test('secure renegotiation against gnutls-serv: its HelloRequest, and our own ClientHello', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, lineBuffered: true });
  for (const how of ['HelloRequest', 'renegotiate()'] as const) {
    const socket = connect({ host: '127.0.0.1', port: gs.port, ca: pki.caPem, renegotiation: 'secure' });
    await once(socket, 'secureConnect');
    const firstFinished = socket.getFinished();
    const renegotiated = once(socket, 'renegotiated');
    // gnutls-serv --echo answers the line **REHANDSHAKE** with a HelloRequest.
    if (how === 'HelloRequest') socket.write('**REHANDSHAKE**\n');
    else socket.renegotiate();
    await renegotiated;
    t.not(socket.getFinished()?.toString('hex'), firstFinished?.toString('hex'), `${how}: new Finished values after the renegotiation`);
    const echoed = collect(socket, 'after\n'.length, /after\n$/);
    socket.write('after\n');
    t.match(await echoed, /after\n$/, `${how}: data flows on the renegotiated connection`);
    socket.end();
  }
  await waitForOutput(() => gs.stdout() + withoutPeer(gs.stderr()), /\*\*\* Sending rehandshake request/);
});

t.test('renegotiation refused by our client: gnutls-serv reports the warning and closes', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!, lineBuffered: true });
  const relay = await startRelay(t, gs.port);
  const socket = connect({ host: '127.0.0.1', port: relay.port, ca: pki.caPem });
  let renegotiated = false;
  let failed: Error | null = null;
  socket.on('renegotiated', () => (renegotiated = true));
  socket.on('error', (err) => (failed = err));
  socket.resume();
  await once(socket, 'secureConnect');
  socket.write('**REHANDSHAKE**\n');
  await once(socket, 'close');
  t.equal(renegotiated, false);
  t.equal(failed, null, 'no error on our side: the HelloRequest was answered with a warning');
  await waitForOutput(gs.stdout, /\* Received NO_RENEGOTIATION alert\. Client does not support renegotiation\./);
  await relay.connections[0]!.closed;
  // Our records after the handshake: the **REHANDSHAKE** line, then the no_renegotiation warning
  // (and the close_notify after gnutls-serv closed).
  const ours = relay.connections[0]!.fromClient().records.map((r) => r.type);
  // (The line goes out as two records: 1/n-1 splitting of CBC data, on by default for clients.)
  const afterFinished = ours.slice(ours.lastIndexOf(22) + 1).filter((type, i, all) => type !== all[i - 1]);
  t.same(afterFinished.slice(0, 2), [23, 21], 'application data, then an alert record');
});

/** Resolves with everything read once `bytes` arrived (or `until` matches). */
function collect(socket: TLSSocket, bytes: number, until?: RegExp): Promise<string> {
  let text = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if ((until ? until.test(text) : true) && text.length >= bytes) {
        socket.off('data', onData);
        resolve(text);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}
