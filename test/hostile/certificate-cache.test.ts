/**
 * Issue 21 item 3: the process-wide parsed-certificate cache is bounded in bytes, not only in entries:
 * a certificate above MAX_CACHED_CERTIFICATE_BYTES is parsed but never kept, and all cached DER
 * together stay under PARSED_CACHE_MAX_BYTES (before: 600 distinct 200 KB client certificates were
 * all kept, 512 x 200 KB plus their parsed forms).
 */
import t from 'tap';
import {
  MAX_CACHED_CERTIFICATE_BYTES,
  PARSED_CACHE_MAX_BYTES,
  parseCertificate,
  parsedCertificateCacheStats,
} from '../../lib/x509/certificate.js';
import { createCertificate, generateRsaKey } from '../helpers/testca.js';

/** DER with the 4 bytes at `at` set to n: a distinct certificate (its signature no longer matches). */
function variant(der: Uint8Array, at: number, n: number): Uint8Array {
  const out = new Uint8Array(der);
  new DataView(out.buffer).setUint32(at, n);
  return out;
}

/**
 * Where the extension's filler starts: a run of 64 `byte`s. A single byte search could stop earlier,
 * in the random serial or the key (then the variant broke the DER structure: a flaky test).
 */
function fillerAt(der: Uint8Array, byte: number): number {
  const at = Buffer.from(der.buffer, der.byteOffset, der.byteLength).indexOf(Buffer.alloc(64, byte));
  if (at < 0) throw new Error('filler not found');
  return at;
}

t.test('600 distinct 200 KB certificates: none is cached, the byte total stays bounded', async (t) => {
  const { key } = await generateRsaKey(1024);
  const marker = new Uint8Array(200 * 1024).fill(0xa5);
  const big = await createCertificate({ subject: { CN: 'big.example.org' }, key, extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', value: marker }] });
  t.ok(big.der.length > 200 * 1024, `certificate of ${big.der.length} bytes`);
  const at = fillerAt(big.der, 0xa5) + 1000;
  const before = parsedCertificateCacheStats();
  for (let i = 0; i < 600; i++) {
    const cert = parseCertificate(variant(big.der, at, i));
    if (i === 0) t.ok(cert.publicKeyBits === 1024, "parsed");
  }
  const after = parsedCertificateCacheStats();
  t.equal(after.bytes, before.bytes, 'no big certificate was cached');
  t.ok(after.bytes <= PARSED_CACHE_MAX_BYTES, `cache holds ${after.bytes} bytes`);
});

t.test('small certificates are cached; the byte total is bounded however many arrive', async (t) => {
  const { key } = await generateRsaKey(1024);
  const filler = new Uint8Array(MAX_CACHED_CERTIFICATE_BYTES - 2048).fill(0x5a);
  const mid = await createCertificate({ subject: { CN: 'mid.example.org' }, key, extraExtensions: [{ oid: '1.3.6.1.4.1.99999.2', value: filler }] });
  t.ok(mid.der.length <= MAX_CACHED_CERTIFICATE_BYTES, `certificate of ${mid.der.length} bytes is cacheable`);
  const at = fillerAt(mid.der, 0x5a) + 100;
  const first = parseCertificate(variant(mid.der, at, 0));
  t.equal(parseCertificate(variant(mid.der, at, 0)), first, 'the same DER comes back from the cache');
  for (let i = 1; i < 400; i++) parseCertificate(variant(mid.der, at, i));
  const stats = parsedCertificateCacheStats();
  t.ok(stats.bytes <= PARSED_CACHE_MAX_BYTES, `cache holds ${stats.bytes} bytes in ${stats.entries} entries, bound ${PARSED_CACHE_MAX_BYTES}`);
  t.ok(stats.entries < 400, 'old entries were dropped for the byte bound');
});
