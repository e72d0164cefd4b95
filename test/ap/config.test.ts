import t, { type Test } from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApConfigError, loadApConfig } from '../../lib/ap/config.js';
import { demoDir, twoHostConfig, writeConfig } from './helpers.js';

t.test('ap.json: loads, resolves paths, defaults, longest prefix first', async (t) => {
  const dir = await demoDir(t);
  const cfg = twoHostConfig('http://127.0.0.1:1', 'https://127.0.0.1:2/base');
  (cfg.hosts as any)[0].routes.push({ path: '/xcap/', upstream: 'http://127.0.0.1:3/x' });
  const c = loadApConfig(writeConfig(dir, cfg));
  t.equal(c.hosts.length, 2);
  t.equal(c.defaultHost.names[0], 'as1.example.test');
  t.equal(c.hosts[0]!.certFile, join(dir, 'as1.pem'));
  t.match(c.hosts[0]!.certPem, /BEGIN CERTIFICATE/);
  t.same(c.hosts[0]!.routes.map((r) => r.path), ['/xcap/', '/']);
  t.equal(c.hosts[0]!.routes[1]!.trustDomain, true);
  t.equal(c.hosts[0]!.routes[0]!.trustDomain, false, 'trustDomain defaults to false (5.1.4: per AS, off unless set)');
  t.equal(c.hosts[1]!.routes[0]!.upstream.pathname, '/base');
  t.equal(c.reauthentication, 'authenticate');
  t.same(c.sessionStore, { type: 'memory' });
  t.equal(c.workers, 1);
  t.equal(c.listen.port, 0);
});

async function expectError(t: Test, dir: string, cfg: unknown, re: RegExp): Promise<void> {
  const file = writeConfig(dir, cfg, `bad-${Math.random().toString(36).slice(2)}.json`);
  try {
    loadApConfig(file);
    t.fail('expected an ApConfigError');
  } catch (err) {
    t.type(err, ApConfigError);
    const msg = (err as Error).message;
    t.notMatch(msg, /\n/, 'one line');
    t.ok(msg.startsWith(file + ': '), `names the file: ${msg}`);
    t.match(msg, re);
  }
}

t.test('bad configurations: one line naming the file and the key', async (t) => {
  const dir = await demoDir(t);
  const good = () => twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2');

  const missing = good();
  (missing.hosts as any)[1].cert = 'nope.pem';
  await expectError(t, dir, missing, /: hosts\[1\]\.cert: cannot read .*nope\.pem: ENOENT$/);

  const mismatch = good();
  (mismatch.hosts as any)[0].key = 'as2.key';
  await expectError(t, dir, mismatch, /: hosts\[0\]\.key: .*as2\.key does not match the certificate in .*as1\.pem$/);

  const unknownTop = { ...good(), listner: {} };
  await expectError(t, dir, unknownTop, /: listner: unknown key/);

  const unknownNested = good();
  (unknownNested.hosts as any)[0].routes[0].trustdomain = true;
  await expectError(t, dir, unknownNested, /: hosts\[0\]\.routes\[0\]\.trustdomain: unknown key/);

  const badUrl = good();
  (badUrl.hosts as any)[1].routes[0].upstream = 'http//no-colon';
  await expectError(t, dir, badUrl, /: hosts\[1\]\.routes\[0\]\.upstream: not a URL: "http\/\/no-colon"$/);

  const ftp = good();
  (ftp.hosts as any)[0].routes[0].upstream = 'ftp://127.0.0.1/';
  await expectError(t, dir, ftp, /: hosts\[0\]\.routes\[0\]\.upstream: expected http:\/\/ or https:\/\//);

  writeFileSync(join(dir, 'garbage.pem'), 'not a pem');
  const garbage = good();
  (garbage.hosts as any)[0].cert = 'garbage.pem';
  await expectError(t, dir, garbage, /: hosts\[0\]\.cert: .*garbage\.pem holds no readable PEM certificate/);

  await expectError(t, dir, { ...good(), tls: { sessionTimeout: 86401 } }, /: tls\.sessionTimeout: expected whole seconds from 0 to 86400 \(TS 33\.141 7\.1: a session lives at most 24 hours\), got 86401$/);
  await expectError(t, dir, { ...good(), sessionStore: { type: 'redis', url: 'http://x' } }, /: sessionStore\.url: expected a redis:\/\//);
  await expectError(t, dir, { ...good(), authenticator: { type: 'client-certificate' } }, /: authenticator\.type: client-certificate needs/);
  const twoDefaults = good();
  (twoDefaults.hosts as any)[1].default = true;
  await expectError(t, dir, twoDefaults, /: hosts: more than one host/);
});

t.test('a file that is not JSON names the file', async (t) => {
  const dir = await demoDir(t);
  const file = join(dir, 'x.json');
  writeFileSync(file, '{ nope');
  t.throws(() => loadApConfig(file), { name: 'ApConfigError', message: new RegExp(`^${file.replace(/[.]/g, '\\.')}: not JSON`) });
});
