/**
 * ut-tls/http's server answering real HTTPS clients at TLS 1.0: wget (GnuTLS: 3DES and RC4 too),
 * curl (Debian's OpenSSL 3: AES only), gnutls-cli and the ut-tls Agent. GET, a 300 kB PUT, and
 * keep-alive with several requests on one connection (one remote port seen by the handler).
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, createServer, request } from '../../lib/http/index.js';
import { runGnutlsClient } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';
import { answers, echoHandler, listen, run, type Seen } from './helpers.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };
const dir = mkdtempSync(join(tmpdir(), 'ut-tls-http-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const bodyFile = join(dir, 'body.bin');
const BODY = Buffer.alloc(300_000, 0x61);
writeFileSync(bodyFile, BODY);

async function server(t: Test) {
  const seen: Seen[] = [];
  const s = createServer({ key: pki.keyPem, cert: pki.certPem }, echoHandler(seen));
  const port = await listen(t, s);
  return { port, seen };
}

const WGET_SUITES = [
  ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', '3DES-CBC'],
  ['TLS_RSA_WITH_RC4_128_SHA', 'ARCFOUR-128'],
  ['TLS_RSA_WITH_AES_128_CBC_SHA', 'AES-128-CBC'],
] as const;

for (const [suite, gnutlsCipher] of WGET_SUITES) {
  t.test(`wget (GnuTLS) ${suite}: GET, 300 kB PUT, keep-alive`, BOUNDED, async (t) => {
    const { port, seen } = await server(t);
    const url = `https://localhost:${port}`;
    const priority = `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+${gnutlsCipher}:-KX-ALL:+RSA:-MAC-ALL:+SHA1`;
    const get = await run(t, 'wget', ['-q', '-O', '-', `--ciphers=${priority}`, `--ca-certificate=${pki.caFile}`, `${url}/a`, `${url}/b`, `${url}/c`]);
    t.equal(get.code, 0, get.stderr);
    const got = answers(get.stdout);
    t.same(got.map((a) => a.url), ['/a', '/b', '/c'], 'three answers');
    t.ok(got.every((a) => a.suite === suite), `negotiated ${suite}`);
    t.equal(new Set(seen.map((s) => s.remotePort)).size, 1, 'all three requests on one connection (keep-alive)');
    const put = await run(t, 'wget', ['-q', '-O', '-', `--ciphers=${priority}`, `--ca-certificate=${pki.caFile}`, '--method=PUT', `--body-file=${bodyFile}`, `${url}/put`]);
    t.equal(put.code, 0, put.stderr);
    t.match(answers(put.stdout)[0], { method: 'PUT', url: '/put', bodyLength: BODY.length, suite });
  });
}

t.test('curl (OpenSSL 3) --tlsv1.0 --tls-max 1.0: GET, 300 kB PUT, keep-alive', BOUNDED, async (t) => {
  const { port, seen } = await server(t);
  const url = `https://localhost:${port}`;
  const tlsArgs = ['--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'AES128-SHA:@SECLEVEL=0', '--cacert', pki.caFile, '-sS'];
  const get = await run(t, 'curl', [...tlsArgs, `${url}/1`, `${url}/2`, `${url}/3`, `${url}/4`]);
  t.equal(get.code, 0, get.stderr);
  const got = answers(get.stdout);
  t.same(got.map((a) => a.url), ['/1', '/2', '/3', '/4']);
  t.ok(got.every((a) => a.suite === 'TLS_RSA_WITH_AES_128_CBC_SHA'));
  t.equal(new Set(seen.map((s) => s.remotePort)).size, 1, 'one connection for four requests');
  const put = await run(t, 'curl', [...tlsArgs, '-T', bodyFile, `${url}/put`]);
  t.equal(put.code, 0, put.stderr);
  t.match(answers(put.stdout)[0], { method: 'PUT', bodyLength: BODY.length });
});

t.test('gnutls-cli: two pipelined requests on one connection, 3DES', BOUNDED, async (t) => {
  const { port, seen } = await server(t);
  const input = 'GET /x HTTP/1.1\r\nHost: localhost\r\n\r\nGET /y HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n';
  const r = await runGnutlsClient(t, {
    port,
    caFile: pki.caFile,
    priority: 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1',
    input,
    extraArgs: ['--sni-hostname', 'localhost'],
  });
  const got = answers(r.stdout);
  t.same(got.map((a) => a.url), ['/x', '/y'], r.stderr);
  t.ok(got.every((a) => a.suite === 'TLS_RSA_WITH_3DES_EDE_CBC_SHA'));
  t.equal(new Set(seen.map((s) => s.remotePort)).size, 1);
  t.ok(got.every((a) => a.servername === 'localhost'), 'req.socket.servername is the SNI name');
});

t.test('ut-tls Agent: GET, 300 kB PUT, keep-alive, RC4', BOUNDED, async (t) => {
  const { port, seen } = await server(t);
  const agent = new Agent({ keepAlive: true, ca: pki.caPem, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'] });
  t.teardown(() => agent.destroy());
  const go = (path: string, body?: Buffer) =>
    new Promise<{ res: http.IncomingMessage; json: Seen }>((resolve, reject) => {
      const req = request({ host: 'localhost', port, path, agent, method: body ? 'PUT' : 'GET' }, (res) => {
        let s = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (s += d));
        res.on('end', () => resolve({ res, json: JSON.parse(s) as Seen }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const a = await go('/a');
  t.equal(a.res.statusCode, 200);
  t.equal(a.json.suite, 'TLS_RSA_WITH_RC4_128_SHA');
  const b = await go('/b', BODY);
  t.equal(b.json.bodyLength, BODY.length);
  await go('/c');
  t.equal(new Set(seen.map((s) => s.remotePort)).size, 1, 'the agent kept one socket for three requests');
  const freeSocket = Object.values(agent.freeSockets).flat()[0];
  t.ok(freeSocket, 'the socket waits in the free pool');
  agent.destroy();
  if (freeSocket && !freeSocket.destroyed) await once(freeSocket, 'close');
  t.equal(freeSocket?.destroyed, true);
});
