/**
 * Real UEs against the `ut-tls ap` process: wget (GnuTLS) with TLS_RSA_WITH_3DES_EDE_CBC_SHA and
 * TLS_RSA_WITH_RC4_128_SHA (the TS 33.141 6.2 suites), curl (Debian's OpenSSL 3: AES only at TLS 1.0,
 * `--tlsv1.0 --tls-max 1.0 --ciphers AES128-SHA:@SECLEVEL=0`, per-host certificate via --resolve).
 * The ASs record what reached them: the asserted identity only at the trusted one, the UE's spoofed
 * X-3GPP-Asserted-Identity never, a foreign intended identity not at all (403); the access log says
 * which suite each request came over.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, spawnCollected } from '../helpers/peers.js';
import { run } from '../http/helpers.js';
import { demoDir, startBackend, twoHostConfig, writeConfig } from '../ap/helpers.js';

const CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));
const SPOOF = 'X-3GPP-Asserted-Identity: "sip:mallory@example.test"';
const gnutls = (cipher: string) => `NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+${cipher}:-KX-ALL:+RSA:-MAC-ALL:+SHA1`;

t.test('wget and curl as UEs through ut-tls ap', { timeout: 90_000 }, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const logFile = join(dir, 'access.log');
  const peer = spawnCollected(t, process.execPath, [CLI, 'ap', '--config', writeConfig(dir, twoHostConfig(as1.url, as2.url, { accessLog: logFile }))]);
  let port = 0;
  for (let i = 0; i < 750 && !port; i++) {
    const m = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(peer.stdout());
    if (m) port = Number(m[1]);
    else await sleep(20);
  }
  t.ok(port, peer.stderr());
  const caFile = join(dir, 'ca.pem');
  const wget = (cipher: string, path: string, extra: string[] = []) =>
    run(t, 'wget', ['-q', '-O', '-', `--ciphers=${gnutls(cipher)}`, `--ca-certificate=${caFile}`, '--user=alice', '--password=alice-secret', '--auth-no-challenge', ...extra, `https://localhost:${port}${path}`]);
  const curl = (name: string, path: string, extra: string[] = []) =>
    run(t, 'curl', ['-sS', '--tlsv1.0', '--tls-max', '1.0', '--ciphers', 'AES128-SHA:@SECLEVEL=0', '--cacert', caFile, '--resolve', `${name}:${port}:127.0.0.1`, '-u', 'alice:alice-secret', ...extra, `https://${name}:${port}${path}`]);

  const w1 = await wget('3DES-CBC', '/wget-3des', [`--header=${SPOOF}`]);
  t.equal(w1.code, 0, w1.stderr);
  t.equal(String(w1.stdout), 'as1 GET /wget-3des\n');
  const w2 = await wget('ARCFOUR-128', '/wget-rc4', ['--header=X-3GPP-Intended-Identity: "tel:+15550100"']);
  t.equal(w2.code, 0, w2.stderr);
  const w3 = await wget('3DES-CBC', '/wget-foreign', ['--header=X-3GPP-Intended-Identity: "sip:bob@example.test"']);
  t.equal(w3.code, 8, 'wget: the AP answered 403 (exit 8: server error response)');
  const c1 = await curl('as2.example.test', '/curl-as2', ['-H', SPOOF]);
  t.equal(c1.code, 0, c1.stderr);
  t.equal(String(c1.stdout), 'as2 GET /curl-as2\n');
  const c2 = await curl('as1.example.test', '/curl-as1', ['-H', SPOOF]);
  t.equal(c2.code, 0, c2.stderr);
  const c3 = await curl('as1.example.test', '/curl-foreign', ['-H', 'X-3GPP-Intended-Identity: "sip:bob@example.test"', '-o', '/dev/null', '-w', '%{http_code}']);
  t.equal(String(c3.stdout), '403');

  t.same(as1.seen.map((s) => [s.url, s.headers['x-3gpp-asserted-identity']]), [
    ['/wget-3des', '"sip:alice@example.test"'],
    ['/wget-rc4', '"tel:+15550100"'],
    ['/curl-as1', '"sip:alice@example.test"'],
  ], 'the trusted AS got the right asserted identity, never the spoofed one, and no foreign-identity request');
  t.same(as2.seen.map((s) => [s.url, s.headers['x-3gpp-asserted-identity']]), [['/curl-as2', undefined]], 'the untrusted AS never sees an asserted identity');
  t.notOk(as1.seen.some((s) => s.headers.authorization), 'Authorization is not forwarded (TS 24.109 7.2)');

  let log = '';
  for (let i = 0; i < 100 && (log.match(/\n/g)?.length ?? 0) < 6; i++) {
    log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    await sleep(50);
  }
  const suiteOf = (path: string) => new RegExp(`path=${path} .*suite=(\\S+)`).exec(log)?.[1];
  t.equal(suiteOf('/wget-3des'), 'TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  t.equal(suiteOf('/wget-rc4'), 'TLS_RSA_WITH_RC4_128_SHA');
  t.equal(suiteOf('/curl-as2'), 'TLS_RSA_WITH_AES_128_CBC_SHA');
  t.match(log, /sni=as2\.example\.test host=as2\.example\.test .*path=\/curl-as2 status=200/);
  peer.child.kill('SIGTERM');
  t.equal(await Promise.race([peer.exited, sleep(15_000).then(() => 'timeout')]), 0);
});
