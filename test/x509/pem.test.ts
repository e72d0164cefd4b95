import t from 'tap';
import { execFileSync } from 'node:child_process';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSConfigError } from '../../lib/errors.js';
import { base64Decode, base64Encode, looksLikePem, pemDecode, pemDecodeBlocks, pemEncode } from '../../lib/x509/pem.js';
import { utf8 } from '../../lib/util/bytes.js';

// A tiny deterministic byte source so failures can be reproduced.
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

t.test('base64 matches Node Buffer for every length 0..200 (all padding cases)', async (t) => {
  let mismatches = 0;
  for (let n = 0; n <= 200; n++) {
    const b = bytes(n, n + 1);
    const b64 = Buffer.from(b).toString('base64');
    if (base64Encode(b) !== b64) mismatches++;
    if (Buffer.compare(Buffer.from(base64Decode(b64)), Buffer.from(b)) !== 0) mismatches++;
  }
  t.equal(mismatches, 0);
  t.equal(base64Encode(utf8('foobar')), 'Zm9vYmFy');
  t.equal(base64Encode(utf8('fo')), 'Zm8=');
  t.equal(base64Encode(utf8('f')), 'Zg==');
  t.same(base64Decode('Zm9v\r\nYmE=\n'), utf8('fooba'), 'line breaks are ignored');
});

t.test('base64Decode refuses malformed input with TLSConfigError', async (t) => {
  t.throws(() => base64Decode('Zm9'), TLSConfigError, 'not a multiple of 4');
  t.throws(() => base64Decode('Zm9v!mFy'), { name: 'TLSConfigError', message: /invalid character "!"/ });
  t.throws(() => base64Decode('Zm=vYmFy'), TLSConfigError, 'padding in the middle');
  t.throws(() => base64Decode('Zg==Zg=='), TLSConfigError, 'padding before the last quantum');
  t.throws(() => base64Decode('Z==='), TLSConfigError, 'three padding characters');
  t.throws(() => base64Decode('Zm9v-_=='), TLSConfigError, 'base64url alphabet is not base64');
  t.throws(() => base64Decode('Zm9vÿmFy'), TLSConfigError, 'non-ASCII');
});

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const keyDer = new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));

t.test('pemEncode writes what OpenSSL writes (64-column lines, LF)', async (t) => {
  t.equal(pemEncode(keyDer, 'PRIVATE KEY'), keyPem);
  const lines = pemEncode(bytes(60, 7), 'X').split('\n'); // 80 base64 characters
  t.equal(lines[0], '-----BEGIN X-----');
  t.equal(lines[1]!.length, 64);
  t.equal(lines[2]!.length, 80 - 64);
  t.equal(lines[3], '-----END X-----');
  t.equal(lines[4], '', 'trailing newline');
});

t.test('pemDecode: round trip, labels, several blocks, CRLF and surrounding text', async (t) => {
  const a = bytes(300, 1);
  const b = bytes(33, 2);
  const c = bytes(1, 3);
  const text =
    'Bag Attributes\n    friendlyName: test\nsubject=CN = x\n' +
    pemEncode(a, 'CERTIFICATE') +
    'some text in between\n' +
    pemEncode(b, 'PRIVATE KEY').replace(/\n/g, '\r\n') +
    '   ' +
    pemEncode(c, 'CERTIFICATE') +
    'trailer';
  t.same(pemDecode(text, 'CERTIFICATE'), [a, c], 'only the CERTIFICATE blocks, in order');
  t.same(pemDecode(text, 'PRIVATE KEY'), [b], 'CRLF block');
  t.same(pemDecode(text), [a, b, c], 'no label: every block');
  t.same(pemDecode(utf8(text), 'PRIVATE KEY'), [b], 'bytes input (a file read without encoding)');
  t.same(
    pemDecodeBlocks(text).map((x) => x.label),
    ['CERTIFICATE', 'PRIVATE KEY', 'CERTIFICATE'],
  );
});

t.test('pemDecode reads RFC 1421 headers separately from the body', async (t) => {
  const body = bytes(48, 9);
  const enc = pemEncode(body, 'RSA PRIVATE KEY').replace(
    '-----\n',
    '-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\n',
  );
  const [block] = pemDecodeBlocks(enc);
  t.same(block!.headers, { 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-128-CBC,00112233445566778899AABBCCDDEEFF' });
  t.same(block!.der, body);
});

t.test('pemDecode errors are TLSConfigError with a useful message', async (t) => {
  t.throws(() => pemDecode('no pem here'), { name: 'TLSConfigError', message: /no PEM block/ });
  t.throws(() => pemDecode(pemEncode(bytes(10, 1), 'CERTIFICATE'), 'PRIVATE KEY'), { name: 'TLSConfigError', message: /no "PRIVATE KEY" block/ });
  t.throws(() => pemDecode('-----BEGIN CERTIFICATE-----\nAAAA\n'), { name: 'TLSConfigError', message: /no matching END/ });
  t.throws(() => pemDecode('-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n'), {
    name: 'TLSConfigError',
    message: /closed by "END PRIVATE KEY"/,
  });
  t.throws(() => pemDecode('-----BEGIN CERTIFICATE-----\nAA*A\n-----END CERTIFICATE-----\n'), {
    name: 'TLSConfigError',
    message: /PEM CERTIFICATE: base64: invalid character/,
  });
  t.throws(() => pemDecode('-----BEGIN CERTIFICATE-----\nAAAAA\n-----END CERTIFICATE-----\n'), TLSConfigError);
});

t.test('pemDecode agrees with Node on a real certificate PEM', async (t) => {
  // Node's X509Certificate.toString() is OpenSSL's PEM writer.
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-pem-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'key.pem'), keyPem);
  const pem = execFileSync('openssl', ['req', '-x509', '-key', join(dir, 'key.pem'), '-subj', '/CN=pem test', '-days', '1']).toString();
  const x = new X509Certificate(pem);
  const [der] = pemDecode(pem, 'CERTIFICATE');
  t.same(Buffer.from(der!), x.raw);
  t.equal(pemEncode(der!, 'CERTIFICATE'), x.toString());
});

t.test('looksLikePem tells DER from PEM bytes', async (t) => {
  t.equal(looksLikePem(keyDer), false);
  t.equal(looksLikePem(utf8(keyPem)), true);
  t.equal(looksLikePem('anything'), true, 'strings are always text');
});
