/**
 * RFC 3546 extensions on the wire (issue 6). Against GnuTLS 3.7: server_name both ways (virtual hosts
 * on our AP chosen by gnutls-cli --sni-hostname; our UE's name checked by gnutls-serv
 * --sni-hostname-fatal), max_fragment_length both ways (record sizes read from a TCP relay), and
 * status_request both ways with a real OCSP response (openssl ocsp). The extensions GnuTLS does not
 * speak (truncated_hmac, trusted_ca_keys, client_certificate_url) run between our client and our
 * server over real sockets, with the relay showing what went over the wire.
 */
import t, { type Test } from 'tap';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { connect, createServer, type ConnectOptions, type Server, type ServerOptions, type TLSSocket } from '../../lib/index.js';
import { loadCertificates, loadPrivateKey } from '../../lib/socket/options.js';
import { createCertificate, generateRsaKey, type TestCertificate } from '../helpers/testca.js';
import {
  CT,
  GNUTLS_PRIORITY,
  HS,
  helloExtensions,
  runCliClient,
  runGnutlsClient,
  startCliServer,
  startGnutlsServer,
  startRelay,
  tempDir,
  waitForOutput,
  type RelayedConnection,
  withoutPeer,
} from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const TLS10_ALL = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:%COMPAT';
const AES128 = GNUTLS_PRIORITY['TLS_RSA_WITH_AES_128_CBC_SHA']!;
const EXT = { server_name: 0, max_fragment_length: 1, client_certificate_url: 2, trusted_ca_keys: 3, truncated_hmac: 4, status_request: 5 } as const;

// Two virtual hosts under their own CA, written to a directory of this file, and an OCSP response
// for ap1 signed by that CA (openssl ocsp as the responder).
const dir = tempDir(t, 'ut-tls-ext-');
const vhosts = await makeVirtualHosts(dir);

interface VirtualHosts {
  caFile: string;
  caPem: string;
  ca: TestCertificate;
  ap1: TestCertificate & { certFile: string; keyFile: string };
  ap2: TestCertificate & { certFile: string; keyFile: string };
  ocspFile: string;
  ocsp: Buffer;
}

async function makeVirtualHosts(dir: string): Promise<VirtualHosts> {
  const [k1, k2, k3] = await Promise.all([generateRsaKey(2048), generateRsaKey(2048), generateRsaKey(2048)]);
  const ca = await createCertificate({ key: k1.key, subject: { O: 'ut-tls vhosts', CN: 'ut-tls vhosts CA' }, isCA: true });
  const leaf = async (key: typeof k1, name: string) => {
    const c = await createCertificate({ key: key.key, subject: { O: 'ut-tls vhosts', CN: name }, issuer: { cert: ca.cert, key: ca.key }, dnsNames: [name], extKeyUsage: ['serverAuth'] });
    const certFile = join(dir, `${name}.pem`);
    const keyFile = join(dir, `${name}.key`);
    writeFileSync(certFile, c.pem);
    writeFileSync(keyFile, c.keyPem, { mode: 0o600 });
    return { ...c, certFile, keyFile };
  };
  const ap1 = await leaf(k2, 'ap1.example.org');
  const ap2 = await leaf(k3, 'ap2.example.org');
  const caFile = join(dir, 'vhosts-ca.pem');
  writeFileSync(caFile, ca.pem);
  writeFileSync(join(dir, 'vhosts-ca.key'), ca.keyPem, { mode: 0o600 });
  // openssl ocsp: a request for ap1, answered "good" from an index, signed by the CA itself.
  const openssl = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'latin1', timeout: 10_000 });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
    return r.stdout;
  };
  const serial = openssl(['x509', '-in', ap1.certFile, '-noout', '-serial']).trim().replace(/^serial=/, '');
  writeFileSync(join(dir, 'index.txt'), `V\t491231235959Z\t\t${serial}\tunknown\t/O=ut-tls vhosts/CN=ap1.example.org\n`);
  openssl(['ocsp', '-issuer', caFile, '-cert', ap1.certFile, '-no_nonce', '-reqout', 'req.der']);
  openssl(['ocsp', '-index', 'index.txt', '-rsigner', caFile, '-rkey', 'vhosts-ca.key', '-CA', caFile, '-reqin', 'req.der', '-respout', 'ocsp.der', '-ndays', '2']);
  const ocspFile = join(dir, 'ocsp.der');
  return { caFile, caPem: ca.pem, ca, ap1, ap2, ocspFile, ocsp: readFileSync(ocspFile) };
}

async function listen(t: Test, server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** An echo server on the shared test PKI; `reply` replaces the echo. */
async function apiServer(t: Test, options: Partial<ServerOptions> = {}, reply?: (s: TLSSocket, d: Buffer) => void): Promise<{ port: number; sockets: TLSSocket[] }> {
  const sockets: TLSSocket[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, ...options }, (s) => {
    sockets.push(s);
    s.on('error', () => {});
    if (reply) s.on('data', (d: Buffer) => reply(s, d));
    else s.pipe(s);
  });
  server.on('tlsClientError', () => {});
  return { port: await listen(t, server), sockets };
}

/** Connects, writes `line`, reads until `expect` bytes came back, ends; resolves with the socket and what it read. */
async function exchange(options: ConnectOptions, line: string, expect = line.length): Promise<{ socket: TLSSocket; text: string }> {
  const socket = connect({ host: '127.0.0.1', ca: pki.caPem, ...options });
  let text = '';
  const done = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.length >= expect) resolve();
    });
    socket.once('error', reject);
  });
  done.catch(() => {}); // a handshake failure rejects both; it is reported once, below
  await once(socket, 'secureConnect');
  socket.write(line);
  await done;
  socket.end();
  await new Promise((r) => socket.once('close', r));
  return { socket, text };
}

/** The ServerHello's extensions as the relay saw them. */
function serverHelloExtensions(c: RelayedConnection): Map<number, Uint8Array> {
  const hello = c.fromServer().handshakeMessages.find((m) => m.type === HS.server_hello)!;
  return helloExtensions(hello.body, 'server');
}

/** RFC 3546 3.4: the RSA modulus, big-endian, without leading zero bytes. */
function modulus(n: bigint): Uint8Array {
  return Uint8Array.from(Buffer.from(n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, '0'), 'hex'));
}

function appRecordLengths(c: RelayedConnection, from: 'client' | 'server'): number[] {
  const flow = from === 'client' ? c.fromClient() : c.fromServer();
  return flow.records.filter((r) => r.type === CT.application_data).map((r) => r.length);
}

// ---- server_name (RFC 3546 3.1; TS 33.141 Annex A) ---------------------------------------------------

t.test('server_name: gnutls-cli --sni-hostname gets the certificate of each virtual host of ut-tls server --sni', BOUNDED, async (t) => {
  const server = await startCliServer(t, [
    '--key', pki.keyFile, '--cert', pki.certFile, '--echo',
    '--sni', `ap1.example.org:${vhosts.ap1.keyFile}:${vhosts.ap1.certFile}`,
    '--sni', `ap2.example.org:${vhosts.ap2.keyFile}:${vhosts.ap2.certFile}`,
  ]);
  for (const name of ['ap1.example.org', 'ap2.example.org']) {
    const r = await runGnutlsClient(t, { port: server.port, caFile: vhosts.caFile, priority: TLS10_ALL, input: `to ${name}\n`, extraArgs: ['--sni-hostname', name, '--verify-hostname', name] });
    t.equal(r.code, 0, `${name}: gnutls-cli exit code`);
    t.match(r.stdout, new RegExp(` - subject \`CN=${name.replace(/\./g, '\\.')},O=ut-tls vhosts', issuer \`CN=ut-tls vhosts CA,O=ut-tls vhosts'`), `${name}: its own certificate`);
    t.match(r.stdout, /- Status: The certificate is trusted\./, `${name}: verified for that name`);
    t.match(r.stdout, `to ${name}`);
  }
  // No server_name: the default host (--key/--cert).
  const plain = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: TLS10_ALL, input: 'x\n', extraArgs: ['--disable-sni'] });
  t.equal(plain.code, 0);
  t.match(plain.stdout, / - subject `CN=localhost,O=ut-tls test'/);
  // An unknown name: the default host and an unrecognized_name warning (gnutls carries on).
  const unknown = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: TLS10_ALL, input: 'y\n', extraArgs: ['--sni-hostname', 'other.example.org'] });
  t.equal(unknown.code, 0);
  t.match(unknown.stdout + unknown.stderr, /\*\*\* Received alert \[112\]: The server name sent was not recognized/);
  t.match(unknown.stdout, / - subject `CN=localhost,O=ut-tls test'/);
  await waitForOutput(() => withoutPeer(server.stderr()), /(^handshake .*\n){4}/m);
  t.same(
    withoutPeer(server.stderr()).trim().split('\n').map((l) => l.replace(/^handshake suite=\S+ /, '')),
    ['resumed=no servername=ap1.example.org', 'resumed=no servername=ap2.example.org', 'resumed=no servername=-', 'resumed=no servername=other.example.org'],
  );
});

t.test('server_name: --unrecognized-name fatal refuses an unknown name with unrecognized_name (112)', BOUNDED, async (t) => {
  const server = await startCliServer(t, [
    '--key', pki.keyFile, '--cert', pki.certFile, '--unrecognized-name', 'fatal',
    '--sni', `ap1.example.org:${vhosts.ap1.keyFile}:${vhosts.ap1.certFile}`,
  ]);
  const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: TLS10_ALL, input: 'x\n', extraArgs: ['--sni-hostname', 'other.example.org'] });
  t.equal(r.code, 1);
  t.match(r.stdout + r.stderr, /\*\*\* Received alert \[112\]: The server name sent was not recognized/);
  t.match((await waitForOutput(() => withoutPeer(server.stderr()), /^refused .*$/m))[0], /^refused code=ERR_TLS_ALERT_UNRECOGNIZED_NAME alert=unrecognized_name\(112\) reason=RFC 3546 3\.1: no virtual host for server name "other\.example\.org"/);
});

t.test('server_name: our client against ut-tls virtual hosts (API): the certificate per name', BOUNDED, async (t) => {
  const contexts = [vhosts.ap1, vhosts.ap2].map((c) => ({ certificateChain: loadCertificates(c.pem, 'cert'), privateKey: loadPrivateKey(c.keyPem) }));
  const { port, sockets } = await apiServer(t, { contexts });
  for (const name of ['ap1.example.org', 'ap2.example.org']) {
    const { socket, text } = await exchange({ port, servername: name, ca: vhosts.caPem }, 'x\n');
    t.equal(text, 'x\n');
    t.equal(socket.authorized, true, `${name}: chain and name verified`);
    t.equal((socket.getPeerCertificate()['subject'] as Record<string, string>)['CN'], name);
  }
  t.same(sockets.map((s) => s.servername), ['ap1.example.org', 'ap2.example.org'], 'the AP saw each name');
});

t.test('server_name: gnutls-serv --sni-hostname-fatal sees our client\'s name', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: vhosts.ap1.certFile, keyFile: vhosts.ap1.keyFile, priority: TLS10_ALL, extraArgs: ['--sni-hostname', 'ap1.example.org', '--sni-hostname-fatal'] });
  const right = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', vhosts.caFile, '--servername', 'ap1.example.org'], 'named\n');
  t.equal(right.code, 0, right.stderr);
  t.equal(right.stdout, 'named\n');
  const wrong = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', vhosts.caFile, '--servername', 'ap2.example.org'], 'x\n');
  t.equal(wrong.code, 1);
  t.match(wrong.stderr, /^handshake failed code=ERR_TLS_ALERT_RECEIVED_UNRECOGNIZED_NAME alert=unrecognized_name\(112\)/, 'gnutls-serv refused the other name');
});

// ---- max_fragment_length (RFC 3546 3.2) ---------------------------------------------------------------

t.test('max_fragment_length: gnutls-cli --recordsize N against our server; every record respects N', BOUNDED, async (t) => {
  // The AP answers each line with 5000 bytes, so it has to cut many records.
  const big = Buffer.alloc(5000, 0x41);
  const { port, sockets } = await apiServer(t, {}, (s) => s.end(big));
  const relay = await startRelay(t, port);
  const sizes = [512, 2048];
  for (const size of sizes) {
    const r = await runGnutlsClient(t, { port: relay.port, caFile: pki.caFile, priority: AES128, input: 'go\n', extraArgs: ['--recordsize', String(size)] });
    t.equal(r.code, 0, `${size}: gnutls-cli exit code`);
    t.ok(r.stdout.includes('A'.repeat(5000)), `${size}: gnutls-cli received all 5000 bytes`);
  }
  t.same(sockets.map((s) => s.getSession()?.maxFragmentLength), sizes, 'the AP agreed to each size');
  await Promise.all(relay.connections.map((c) => c.closed));
  relay.connections.forEach((c, i) => {
    const size = sizes[i]!;
    // GnuTLS maps --recordsize to max_fragment_length for TLS 1.0.
    t.same([...helloExtensions(c.fromClient().handshakeMessages[0]!.body, 'client').get(EXT.max_fragment_length)!], [Math.log2(size) - 8], `${size}: asked for code ${Math.log2(size) - 8}`);
    t.same([...serverHelloExtensions(c).get(EXT.max_fragment_length)!], [Math.log2(size) - 8], `${size}: echoed in the ServerHello`);
    const clear = c.fromServer().records.filter((r) => r.type === CT.handshake).slice(0, -1); // all but the encrypted Finished
    t.ok(clear.every((r) => r.length <= size), `${size}: cleartext handshake records <= ${size} (${clear.map((r) => r.length).join(', ')})`);
    if (size === 512) t.ok(clear.length > 1, 'the 512-byte limit split the AP\'s first flight');
    // AES-128-CBC with HMAC-SHA1: data + 20-byte MAC + 1..16 bytes of padding.
    const data = appRecordLengths(c, 'server');
    t.ok(data.every((n) => n <= size + 20 + 16), `${size}: every application record <= ${size} + MAC + padding (${Math.max(...data)})`);
    t.ok(data.length >= Math.ceil(5000 / size), `${size}: 5000 bytes took ${data.length} records`);
  });
});

t.test('max_fragment_length: our client against gnutls-serv (what GnuTLS 3.7.9 does with it)', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: AES128 });
  const relay = await startRelay(t, gs.port);
  // A short line: gnutls-serv agrees and everything stays within 512 bytes.
  const { socket, text } = await exchange({ port: relay.port, maxFragmentLength: 512 }, 'short\n');
  t.equal(text, 'short\n');
  t.equal(socket.getSession()?.maxFragmentLength, 512, 'gnutls-serv acknowledged max_fragment_length');
  // A 2000-byte line: we send it in records of <= 512 bytes, gnutls-serv reassembles and echoes it
  // in ONE record of 2001 bytes: GnuTLS 3.7.9 fragments its handshake at the agreed size but not
  // its application data. Our client refuses the oversized record (RFC 3546 3.2: record_overflow).
  const long = 'L'.repeat(2000) + '\n';
  const client = connect({ host: '127.0.0.1', port: relay.port, ca: pki.caPem, maxFragmentLength: 512 });
  await once(client, 'secureConnect');
  client.write(long);
  const err = await new Promise<{ code?: string; alert?: number }>((resolve) => client.once('error', resolve));
  t.equal(err.code, 'ERR_TLS_ALERT_RECORD_OVERFLOW');
  await Promise.all(relay.connections.map((c) => c.closed));
  const [ok, overflow] = relay.connections;
  t.same(serverHelloExtensions(ok!).get(EXT.max_fragment_length), new Uint8Array([1]), 'ServerHello echoes code 1 (512)');
  t.ok(ok!.fromServer().records.filter((r) => r.type === CT.handshake).every((r) => r.length <= 512), 'gnutls-serv fragments its handshake at 512');
  const ours = appRecordLengths(overflow!, 'client');
  t.ok(ours.length >= 4 && ours.every((n) => n <= 512 + 20 + 16), `our records <= 512 + MAC + padding (${ours.join(', ')})`);
  t.same(appRecordLengths(overflow!, 'server'), [2001 + 20 + 11], 'gnutls-serv: one record of 2001 bytes + MAC + padding');
});

t.test('max_fragment_length through the CLI client: ut-tls client --max-fragment-length', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const relay = await startRelay(t, server.port);
  const line = 'M'.repeat(3000) + '\n';
  const r = await runCliClient(t, [`127.0.0.1:${relay.port}`, '--ca', pki.caFile, '--max-fragment-length', '1024'], line, 15_000, /\n$/);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: no\nmax-fragment-length: 1024\n');
  t.equal(r.stdout, line);
  await relay.connections[0]!.closed;
  const back = appRecordLengths(relay.connections[0]!, 'server');
  t.ok(back.length >= 3 && back.every((n) => n <= 1024 + 20 + 16), `the AP's records <= 1024 + MAC + padding (${back.join(', ')})`);
  const bad = await runCliClient(t, ['127.0.0.1:1', '--max-fragment-length', '1000'], '');
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^ut-tls client: --max-fragment-length must be 512, 1024, 2048 or 4096 \(RFC 3546 3\.2\), got "1000"/);
});

// ---- status_request (RFC 3546 3.6) --------------------------------------------------------------------

t.test('status_request: ut-tls server --ocsp-response staples a real OCSP response that gnutls-cli verifies', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', vhosts.ap1.keyFile, '--cert', vhosts.ap1.certFile, '--echo', '--ocsp-response', vhosts.ocspFile]);
  const relay = await startRelay(t, server.port);
  const saved = join(dir, 'gnutls-saved-ocsp.der');
  const r = await runGnutlsClient(t, { port: relay.port, caFile: vhosts.caFile, priority: AES128, input: 'x\n', extraArgs: ['--verify-hostname', 'ap1.example.org', '--save-ocsp', saved] });
  t.equal(r.code, 0, r.stderr.slice(-300));
  t.match(r.stdout, /- Status: The certificate is trusted\./);
  t.match(r.stdout, /- Options: .*OCSP status request/, 'gnutls-cli asked and got an answer');
  t.same(readFileSync(saved), vhosts.ocsp, 'gnutls-cli saved exactly the stapled bytes');
  await relay.connections[0]!.closed;
  // ... and NewSessionTicket (4), which gnutls-cli asks for, before the server's ChangeCipherSpec.
  t.same(relay.connections[0]!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.certificate_status, HS.server_hello_done, 4], 'CertificateStatus right after Certificate');
  // A response for another certificate: gnutls-cli checks it and refuses.
  const wrong = await startCliServer(t, ['--key', vhosts.ap2.keyFile, '--cert', vhosts.ap2.certFile, '--ocsp-response', vhosts.ocspFile]);
  const refused = await runGnutlsClient(t, { port: wrong.port, caFile: vhosts.caFile, priority: AES128, input: 'x\n', extraArgs: ['--verify-hostname', 'ap2.example.org'] });
  t.equal(refused.code, 1);
  t.match(refused.stdout, /The received OCSP status response is invalid/);
});

t.test('status_request: our client gets gnutls-serv --ocsp-response (CLI --status-request and API)', BOUNDED, async (t) => {
  const gs = await startGnutlsServer(t, { certFile: vhosts.ap1.certFile, keyFile: vhosts.ap1.keyFile, priority: AES128, extraArgs: ['--ocsp-response', vhosts.ocspFile] });
  const r = await runCliClient(t, [`127.0.0.1:${gs.port}`, '--ca', vhosts.caFile, '--servername', 'ap1.example.org', '--status-request'], 'x\n');
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, `protocol TLSv1 suite TLS_RSA_WITH_AES_128_CBC_SHA resumed: no\nocsp-response: ${vhosts.ocsp.length} bytes\n`);
  const checked: number[] = [];
  const { socket } = await exchange(
    { port: gs.port, ca: vhosts.caPem, servername: 'ap1.example.org', requestOCSP: true, verifyOCSP: (res, chain) => (checked.push(res.length, chain.length), true) },
    'y\n',
  );
  t.same(socket.getOCSPResponse(), vhosts.ocsp, 'byte for byte');
  t.same(checked, [vhosts.ocsp.length, 1], 'verifyOCSP saw the response and the chain');
  const rejecting = connect({ host: '127.0.0.1', port: gs.port, ca: vhosts.caPem, servername: 'ap1.example.org', requestOCSP: true, verifyOCSP: () => false });
  const err = await new Promise<{ code?: string }>((resolve) => rejecting.once('error', resolve));
  t.equal(err.code, 'ERR_TLS_ALERT_BAD_CERTIFICATE_STATUS_RESPONSE', 'a rejected response is fatal (113)');
  const none = await exchange({ port: gs.port, ca: vhosts.caPem, servername: 'ap1.example.org' }, 'z\n');
  t.equal(none.socket.getOCSPResponse(), undefined, 'not asked: nothing stapled');
});

// ---- GnuTLS does not speak these: our client and our server over real sockets -------------------------

t.test('truncated_hmac over real sockets: 10-byte MACs only when the AP agrees, kept on resumption', BOUNDED, async (t) => {
  const rc4 = { cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] };
  const payload = 'T'.repeat(99) + '\n'; // 100 bytes in one RC4 record: 100 + MAC
  const off = await apiServer(t, rc4);
  const on = await apiServer(t, { ...rc4, truncatedHmac: true });
  const offRelay = await startRelay(t, off.port);
  const onRelay = await startRelay(t, on.port);
  const refused = await exchange({ port: offRelay.port, truncatedHmac: true, ...rc4 }, payload);
  t.equal(refused.text, payload);
  t.equal(refused.socket.getSession()?.truncatedHmac, undefined, 'the default AP does not agree');
  const agreed = await exchange({ port: onRelay.port, truncatedHmac: true, ...rc4 }, payload);
  t.equal(agreed.text, payload);
  t.equal(agreed.socket.getSession()?.truncatedHmac, true);
  const resumed = await exchange({ port: onRelay.port, session: agreed.socket.getSession(), ...rc4 }, payload);
  t.equal(resumed.socket.isSessionReused(), true);
  await Promise.all([...offRelay.connections, ...onRelay.connections].map((c) => c.closed));
  const [offWire] = offRelay.connections;
  const [onWire, resumedWire] = onRelay.connections;
  t.notOk(serverHelloExtensions(offWire!).has(EXT.truncated_hmac));
  t.same(serverHelloExtensions(onWire!).get(EXT.truncated_hmac), new Uint8Array(0), 'empty truncated_hmac in the ServerHello');
  t.equal(appRecordLengths(offWire!, 'client')[0], 120, 'full HMAC-SHA1: 100 + 20');
  t.equal(appRecordLengths(onWire!, 'client')[0], 110, 'truncated: 100 + 10');
  t.equal(appRecordLengths(onWire!, 'server')[0], 110, 'both directions');
  t.notOk(serverHelloExtensions(resumedWire!).has(EXT.truncated_hmac), 'RFC 3546 2.3: no extensions when resuming');
  t.equal(appRecordLengths(resumedWire!, 'client')[0], 110, 'RFC 3546 3.5: still 10 bytes on the resumed session');
});

t.test('truncated_hmac through the CLI: ut-tls server --truncated-hmac and ut-tls client --truncated-hmac', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--truncated-hmac']);
  const r = await runCliClient(t, [`127.0.0.1:${server.port}`, '--ca', pki.caFile, '--truncated-hmac'], 'short tags\n', 15_000, /\n$/);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: no\ntruncated-hmac: yes\n');
  t.equal(r.stdout, 'short tags\n');
  const plain = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo']);
  const p = await runCliClient(t, [`127.0.0.1:${plain.port}`, '--ca', pki.caFile, '--truncated-hmac'], 'x\n', 15_000, /\n$/);
  t.equal(p.stderr, 'protocol TLSv1 suite TLS_RSA_WITH_AES_256_CBC_SHA resumed: no\ntruncated-hmac: no\n', 'off by default on the server');
});

t.test('status_request over real sockets: stapled when asked, never unasked', BOUNDED, async (t) => {
  const ocsp = Buffer.from(vhosts.ocsp);
  const { port } = await apiServer(t, { ocspResponse: ocsp });
  const relay = await startRelay(t, port);
  const asked = await exchange({ port: relay.port, requestOCSP: true }, 'x\n');
  t.same(asked.socket.getOCSPResponse(), ocsp);
  const notAsked = await exchange({ port: relay.port }, 'x\n');
  t.equal(notAsked.socket.getOCSPResponse(), undefined);
  await Promise.all(relay.connections.map((c) => c.closed));
  t.same(relay.connections[0]!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.certificate_status, HS.server_hello_done]);
  t.same(relay.connections[1]!.fromServer().handshakeTypes, [HS.server_hello, HS.certificate, HS.server_hello_done], 'RFC 3546 3.6: never unasked');
  const cs = relay.connections[0]!.fromServer().handshakeMessages.find((m) => m.type === HS.certificate_status)!;
  t.same(Buffer.from(cs.body.subarray(4)), ocsp, 'CertificateStatus { ocsp(1), response<1..2^24-1> }');
  t.equal(cs.body[0], 1);
});

t.test('trusted_ca_keys over real sockets: the AP answers with the chain under the CA the UE names', BOUNDED, async (t) => {
  // The chain carries its root: cert_sha1_hash and key_sha1_hash name the CA itself, and the AP can
  // only compare them with certificates it has (x509_name also matches the top's issuer).
  const other = { certificateChain: [vhosts.ap1.der, vhosts.ca.der], privateKey: loadPrivateKey(vhosts.ap1.keyPem) };
  const { port } = await apiServer(t, { contexts: [other] });
  const relay = await startRelay(t, port);
  // No server_name (it would take precedence): the UE's trusted CAs decide. Identity is checked
  // against ap1's name by hand, since the host is an IP literal.
  const base = { port: relay.port, servername: '', checkServerIdentity: () => undefined };
  const sha1 = (b: Uint8Array) => new Uint8Array(createHash('sha1').update(b).digest());
  const byCert = await exchange({ ...base, ca: vhosts.caPem, trustedCaKeys: [{ type: 3, sha1Hash: sha1(vhosts.ca.der) }] }, 'x\n');
  t.equal((byCert.socket.getPeerCertificate()['subject'] as Record<string, string>)['CN'], 'ap1.example.org', 'cert_sha1_hash of the vhosts CA: ap1');
  t.equal(byCert.socket.authorized, true);
  const byKey = await exchange({ ...base, ca: vhosts.caPem, trustedCaKeys: [{ type: 1, sha1Hash: sha1(modulus(vhosts.ca.publicKey.n)) }] }, 'x\n');
  t.equal((byKey.socket.getPeerCertificate()['subject'] as Record<string, string>)['CN'], 'ap1.example.org', 'key_sha1_hash of the vhosts CA: ap1');
  const byName = await exchange({ ...base, ca: vhosts.caPem, trustedCaKeys: [{ type: 2, distinguishedName: vhosts.ca.cert.subject.der }] }, 'x\n');
  t.equal((byName.socket.getPeerCertificate()['subject'] as Record<string, string>)['CN'], 'ap1.example.org', 'x509_name of the vhosts CA: ap1');
  const neither = await exchange({ ...base, ca: pki.caPem }, 'x\n');
  t.equal((neither.socket.getPeerCertificate()['subject'] as Record<string, string>)['CN'], 'localhost', 'no trusted_ca_keys: the default chain');
  await Promise.all(relay.connections.map((c) => c.closed));
  t.same(serverHelloExtensions(relay.connections[0]!).get(EXT.trusted_ca_keys), new Uint8Array(0), 'empty trusted_ca_keys in the ServerHello');
  t.ok(helloExtensions(relay.connections[0]!.fromClient().handshakeMessages[0]!.body, 'client').has(EXT.trusted_ca_keys), 'sent in the ClientHello');
  t.notOk(serverHelloExtensions(relay.connections[3]!).has(EXT.trusted_ca_keys));
});

t.test('client_certificate_url over real sockets: the AP fetches the UE certificate over HTTP', BOUNDED, async (t) => {
  const der = loadCertificates(pki.clientCertPem, 'cert')[0]!;
  const requests: string[] = [];
  const web = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/ue.der') {
      res.writeHead(200, { 'content-type': 'application/pkix-cert' });
      res.end(Buffer.from(der));
    } else {
      res.writeHead(404).end();
    }
  });
  web.listen(0, '127.0.0.1');
  await once(web, 'listening');
  t.teardown(() => new Promise<void>((r) => web.close(() => r())));
  const base = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
  const fetchCertificateUrl = async (url: string) => {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const { port, sockets } = await apiServer(t, { requestCert: true, ca: pki.caPem, fetchCertificateUrl });
  const relay = await startRelay(t, port);
  const sha1 = new Uint8Array(createHash('sha1').update(der).digest());
  const ue = { port: relay.port, key: pki.clientKeyPem, cert: pki.clientCertPem };
  const ok = await exchange({ ...ue, certificateUrl: { chainType: 0, urls: [{ url: `${base}/ue.der`, hash: sha1 }] } }, 'by url\n');
  t.equal(ok.text, 'by url\n');
  t.equal(sockets[0]!.authorized, true, 'the AP verified the fetched certificate');
  t.equal((sockets[0]!.getPeerCertificate()['subject'] as Record<string, string>)['CN'], 'ut-tls test client');
  await relay.connections[0]!.closed;
  t.same(relay.connections[0]!.fromClient().handshakeTypes, [HS.client_hello, HS.certificate_url, HS.client_key_exchange, HS.certificate_verify], 'CertificateURL instead of Certificate');
  t.same(serverHelloExtensions(relay.connections[0]!).get(EXT.client_certificate_url), new Uint8Array(0));

  const badHash = connect({ ...ue, host: '127.0.0.1', port, ca: pki.caPem, certificateUrl: { chainType: 0, urls: [{ url: `${base}/ue.der`, hash: new Uint8Array(20) }] } });
  t.equal((await new Promise<{ code?: string }>((r) => badHash.once('error', r))).code, 'ERR_TLS_ALERT_RECEIVED_BAD_CERTIFICATE_HASH_VALUE', 'a wrong hash: 114');
  const missing = connect({ ...ue, host: '127.0.0.1', port, ca: pki.caPem, certificateUrl: { chainType: 0, urls: [{ url: `${base}/gone.der`, hash: null }] } });
  t.equal((await new Promise<{ code?: string }>((r) => missing.once('error', r))).code, 'ERR_TLS_ALERT_RECEIVED_CERTIFICATE_UNOBTAINABLE', 'a 404: 111');
  t.same(requests, ['/ue.der', '/ue.der', '/gone.der']);
});
