/**
 * getPeerCertificate() / getPeerCertificate(true) against node:tls's, every field node gives for an
 * RSA certificate, on a certificate made by openssl with the fields that are easy to get wrong
 * (a repeated OU, SAN with DNS / IP / URI / email, authorityInfoAccess, extendedKeyUsage), plus
 * the type: ours is tls.PeerCertificate / tls.DetailedPeerCertificate.
 */
import t from 'tap';
import * as tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect } from '../../lib/index.js';

const BOUNDED = { timeout: 30_000 };
const dir = mkdtempSync(join(tmpdir(), 'ut-tls-peercert-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });

writeFileSync(
  f('leaf.ext'),
  [
    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,URI:http://ut.example/x,email:ue@ut.example',
    'authorityInfoAccess=OCSP;URI:http://ocsp.ut.example/,caIssuers;URI:http://ca.ut.example/ca.der',
    'extendedKeyUsage=serverAuth,clientAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'basicConstraints=CA:FALSE',
  ].join('\n'),
);
openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '30', '-subj', '/C=DE/O=ut-tls test/CN=peer-certificate root', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/C=DE/ST=Berlin/L=Berlin/O=ut-tls test/OU=one/OU=two/CN=localhost');
openssl('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-set_serial', '0x0123456789abcdef', '-days', '30', '-sha256', '-extfile', f('leaf.ext'), '-out', f('leaf.pem'));
const ca = readFileSync(f('ca.pem'), 'utf8');

async function nodeServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = tls.createServer({
    key: readFileSync(f('leaf.key')),
    cert: readFileSync(f('leaf.pem')),
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    ciphers: 'AES128-SHA:@SECLEVEL=0',
  }, (s) => s.resume());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

/** A comparable copy: Buffers as hex, null-prototype objects as plain ones, the chain as a list. */
function comparable(cert: object, depth = 0): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(cert)) {
    if (k === 'issuerCertificate') {
      out[k] = v === cert ? '<self>' : depth < 5 ? comparable(v as object, depth + 1) : '<deep>';
    } else if (Buffer.isBuffer(v)) out[k] = `buffer:${v.toString('hex')}`;
    else if (v && typeof v === 'object' && !Array.isArray(v)) out[k] = { ...v };
    else out[k] = v;
  }
  return out;
}

const server = await nodeServer();
t.teardown(server.close);
const ours = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca, cipherSuites: 'AES128-SHA' });
await once(ours, 'secureConnect');
const theirs = tls.connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' });
await once(theirs, 'secureConnect');
t.teardown(() => {
  ours.destroy();
  theirs.destroy();
});

t.test('getPeerCertificate(): every field and the key order equal node:tls', BOUNDED, async (t) => {
  const mine: tls.PeerCertificate = ours.getPeerCertificate(); // the type is node's own
  const node = theirs.getPeerCertificate();
  t.same(Object.keys(mine), Object.keys(node), 'the same keys in the same order');
  const a = comparable(mine) as Record<string, unknown>;
  const b = comparable(node) as Record<string, unknown>;
  for (const key of Object.keys(b)) t.same(a[key], b[key], key);
  // the fields this certificate was made to exercise are really there
  t.same(node.subject.OU as unknown, ['one', 'two'], 'a repeated attribute is an array');
  t.match(node.subjectaltname, /IP Address:0:0:0:0:0:0:0:1/);
  t.ok(node.infoAccess && Object.keys(node.infoAccess).length === 2, 'OCSP and CA Issuers');
  t.same(node.ext_key_usage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  t.ok(Buffer.isBuffer(mine.raw) && Buffer.isBuffer(mine.pubkey), 'raw and pubkey are Buffers');
  t.equal(mine.asn1Curve, undefined, 'no curve fields for an RSA key (as node)');
});

t.test('getPeerCertificate(true): the chain up to the root, which links to itself', BOUNDED, async (t) => {
  const mine: tls.DetailedPeerCertificate = ours.getPeerCertificate(true);
  const node = theirs.getPeerCertificate(true);
  t.same(comparable(mine), comparable(node), 'the whole detailed object, field by field');
  const root = mine.issuerCertificate;
  t.equal(root.subject.CN, 'peer-certificate root');
  t.equal(root.issuerCertificate, root, 'the self-issued end is circular, as node:tls');
  t.equal(root.ca, true);
});

t.test('tls.checkServerIdentity takes our certificate object as is', BOUNDED, async (t) => {
  t.equal(tls.checkServerIdentity('localhost', ours.getPeerCertificate()), undefined);
  t.match(tls.checkServerIdentity('elsewhere.example', ours.getPeerCertificate()), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});
