import t from 'tap';
import type { IncomingMessage } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCertificateAuthenticator, decodeAuthRecord, encodeAuthRecord, staticAuthenticator } from '../../lib/ap/authenticators.js';
import { pemDecode } from '../../lib/x509/pem.js';
import { demoDir } from './helpers.js';

const req = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const basic = (u: string, p: string) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');
const noTls = { servername: null, authorized: false, peerCertificates: [], resumed: false };

t.test('static authenticator: HTTP Basic against users.json', async (t) => {
  const dir = await demoDir(t);
  const a = staticAuthenticator(join(dir, 'users.json'));
  t.same(await a.authenticate(req(basic('alice', 'alice-secret')), noTls), {
    identities: ['sip:alice@example.test', 'tel:+15550100'],
    default: 'sip:alice@example.test',
  });
  t.same(await a.authenticate(req(basic('bob', 'bob-secret')), noTls), { identities: ['sip:bob@example.test'], default: 'sip:bob@example.test' });
  t.equal(await a.authenticate(req(basic('alice', 'wrong')), noTls), null);
  t.equal(await a.authenticate(req(basic('carol', 'alice-secret')), noTls), null);
  t.equal(await a.authenticate(req(), noTls), null);
  t.equal(await a.authenticate(req('Bearer x'), noTls), null);
  t.match(a.challenge, /^Basic realm=/);
  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ users: { eve: { password: 'x', identities: ['mailto:eve@x'] } } }));
  t.throws(() => staticAuthenticator(join(dir, 'bad.json')), { name: 'ApConfigError', message: /bad\.json: users\.eve\.identities\[0\]/ });
});

t.test('client certificate authenticator: subjectAltName URIs of a verified certificate', async (t) => {
  const dir = await demoDir(t);
  const ue = pemDecode(readFileSync(join(dir, 'ue.pem'), 'utf8'), 'CERTIFICATE');
  const server = pemDecode(readFileSync(join(dir, 'as1.pem'), 'utf8'), 'CERTIFICATE');
  const a = clientCertificateAuthenticator();
  t.same(await a.authenticate(req(), { ...noTls, authorized: true, peerCertificates: ue }), {
    identities: ['sip:alice@example.test', 'tel:+15550100'],
    default: 'sip:alice@example.test',
  });
  t.equal(await a.authenticate(req(), { ...noTls, authorized: false, peerCertificates: ue }), null, 'unverified: nobody');
  t.equal(await a.authenticate(req(), { ...noTls, authorized: true, peerCertificates: server }), null, 'no URI names: nobody');
  t.equal(a.challenge, undefined);
});

t.test('auth record round trip', async (t) => {
  const user = { identities: ['sip:a@x', 'tel:+1'], default: 'tel:+1' };
  t.same(decodeAuthRecord(encodeAuthRecord(user)), user);
  t.equal(decodeAuthRecord(new Uint8Array([1, 2, 3])), null);
});
