/**
 * Issue 17 item 5: RFC 7919 ffdhe3072, ffdhe4096 (and 6144, 8192) on the wire against GnuTLS 3.7, which knows the
 * groups by name and prints the one negotiated ("DHE-FFDHE3072"). Both directions: gnutls-cli listing
 * groups in supported_groups against `ut-tls server --dhe`, and the ut-tls client against gnutls-serv
 * configured with one group (the ServerKeyExchange prime checked byte for byte through a relay).
 */
import t from 'tap';
import { once } from 'node:events';
import { FFDHE2048, FFDHE3072, FFDHE4096, dhGroupBytes, type DhGroup } from '../../lib/crypto/dh.js';
import { connect } from '../../lib/index.js';
import { HS, runGnutlsClient, startCliServer, startGnutlsServer, startRelay } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };
/** TLS 1.0, DHE_RSA with AES-128-CBC only, and the FFDHE groups given (GnuTLS names). */
const priority = (...groups: string[]) =>
  `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:-GROUP-ALL:${groups.map((g) => `+GROUP-${g}`).join(':')}:%COMPAT`;
const description = (group: string) => new RegExp(`- Description: \\(TLS1\\.0-X\\.509\\)-\\(DHE-${group}\\)-\\(AES-128-CBC\\)-\\(SHA1\\)`);

t.test('gnutls-cli listing one FFDHE group gets that group from ut-tls server', BOUNDED, async (t) => {
  const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--dhe']);
  for (const group of ['FFDHE2048', 'FFDHE3072', 'FFDHE4096', 'FFDHE6144', 'FFDHE8192']) {
    const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: priority(group), input: `hello ${group}\n`, timeoutMs: 30_000 });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, description(group), `${group} negotiated`);
    t.match(r.stdout, new RegExp(`hello ${group}`), `${group}: data echoed`);
  }
});

t.test('server preference: ffdhe2048 by default when the client lists all three; --dh-group moves one first', BOUNDED, async (t) => {
  const all = priority('FFDHE4096', 'FFDHE3072', 'FFDHE2048');
  for (const [args, group] of [[[], 'FFDHE2048'], [['--dh-group', 'ffdhe3072'], 'FFDHE3072'], [['--dh-group', 'ffdhe4096'], 'FFDHE4096']] as const) {
    const server = await startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, '--echo', '--dhe', ...args]);
    const r = await runGnutlsClient(t, { port: server.port, caFile: pki.caFile, priority: all, input: 'x\n', timeoutMs: 30_000 });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, description(group), `${args.join(' ') || 'default'}: ${group}`);
  }
});

t.test('a client listing only FFDHE groups outside the server preference gets no DHE suite (RFC 7919 4)', BOUNDED, async (t) => {
  // The CLI's preference always holds all five groups; the engine option ffdheGroups can leave some out.
  const { createServer } = await import('../../lib/index.js');
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'], ffdheGroups: ['ffdhe2048', 'ffdhe3072', 'ffdhe4096'] }, (s) => s.pipe(s));
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => void server.close());
  const port = (server.address() as { port: number }).port;
  const r = await runGnutlsClient(t, { port, caFile: pki.caFile, priority: priority('FFDHE8192'), input: 'x\n', timeoutMs: 30_000 });
  t.not(r.code, 0, 'no handshake');
  t.match(r.stderr + r.stdout, /Insufficient security|insufficient/i, 'insufficient_security alert');
});

for (const [name, group] of [['FFDHE3072', FFDHE3072], ['FFDHE4096', FFDHE4096], ['FFDHE2048', FFDHE2048]] as [string, DhGroup][]) {
  t.test(`ut-tls client against gnutls-serv with ${name}: the RFC 7919 prime arrives and the exchange completes`, BOUNDED, async (t) => {
    const gs = await startGnutlsServer(t, { certFile: pki.certFile, keyFile: pki.keyFile, priority: priority(name), echo: true });
    const relay = await startRelay(t, gs.port);
    const socket = connect({ host: '127.0.0.1', port: relay.port, ca: pki.caPem, servername: 'localhost', cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] });
    await once(socket, 'secureConnect');
    t.equal(socket.getCipher()?.standardName, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA');
    const line = `dhe ${name}\n`;
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.write(line);
    while (Buffer.concat(chunks).length < line.length) await once(socket, 'data');
    t.equal(Buffer.concat(chunks).toString(), line, 'echoed by gnutls-serv');
    socket.end();
    await relay.connections[0]!.closed;
    const ske = relay.connections[0]!.fromServer().handshakeMessages.find((m) => m.type === HS.server_key_exchange)!.body;
    const pLength = (ske[0]! << 8) | ske[1]!;
    t.equal(pLength * 8, group.bits, `${group.bits}-bit prime`);
    t.same(Buffer.from(ske.subarray(2, 2 + pLength)), Buffer.from(dhGroupBytes(group).p), `${name}: GnuTLS sent exactly our copy of the RFC 7919 prime`);
  });
}
