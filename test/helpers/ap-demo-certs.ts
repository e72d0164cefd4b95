/**
 * `npm run ap:demo-certs -- DIR` (bench/ap-demo-certs.ts): throw-away certificates and a users file for the shipped example
 * (docs/examples/ap.json) and the tests. NOT for production: the keys are written unprotected.
 *
 * DIR gets: ca.pem (root), as1.pem/as1.key (as1.example.test, localhost, 127.0.0.1),
 * as2.pem/as2.key (as2.example.test), multi.pem/multi.key (both names: TS 33.141 Annex A option 2),
 * ue.pem/ue.key (a UE certificate whose subjectAltName URIs are alice's identities), users.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate, generateRsaKey } from './testca.js';

export const DEMO_USERS = {
  alice: { password: 'alice-secret', identities: ['sip:alice@example.test', 'tel:+15550100'], default: 'sip:alice@example.test' },
  bob: { password: 'bob-secret', identities: ['sip:bob@example.test'] },
};

export const DEMO_UE_URIS = ['sip:alice@example.test', 'tel:+15550100'];

export async function writeDemoCerts(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const keys = await Promise.all(Array.from({ length: 5 }, () => generateRsaKey(2048)));
  const now = Date.now();
  const leaf = { notBefore: new Date(now - 3600_000), notAfter: new Date(now + 365 * 86400_000) };
  const root = await createCertificate({
    key: keys[0]!.key,
    subject: { O: 'ut-tls demo', CN: 'ut-tls demo root CA' },
    isCA: true,
    notBefore: new Date(now - 86400_000),
    notAfter: new Date(now + 3650 * 86400_000),
  });
  const issuer = { cert: root.cert, key: root.key };
  const server = (key: number, cn: string, dnsNames: string[], ipAddresses: string[] = []) =>
    createCertificate({ ...leaf, key: keys[key]!.key, subject: { O: 'ut-tls demo', CN: cn }, issuer, dnsNames, ipAddresses, extKeyUsage: ['serverAuth'] });
  const as1 = await server(1, 'as1.example.test', ['as1.example.test', 'localhost'], ['127.0.0.1']);
  const as2 = await server(2, 'as2.example.test', ['as2.example.test']);
  const multi = await server(3, 'as1.example.test', ['as1.example.test', 'as2.example.test', 'localhost'], ['127.0.0.1']);
  const ue = await createCertificate({
    ...leaf,
    key: keys[4]!.key,
    subject: { O: 'ut-tls demo', CN: 'alice UE' },
    issuer,
    uris: DEMO_UE_URIS,
    keyUsage: ['digitalSignature', 'keyEncipherment'],
    extKeyUsage: ['clientAuth'],
  });
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text, { mode: 0o600 });
  write('ca.pem', root.pem);
  for (const [name, c] of [['as1', as1], ['as2', as2], ['multi', multi], ['ue', ue]] as const) {
    write(`${name}.pem`, c.pem);
    write(`${name}.key`, c.keyPem);
  }
  write('users.json', JSON.stringify({ users: DEMO_USERS }, null, 2) + '\n');
}
