/**
 * README's first command (`npm run demo`): the compiled demo runs to completion on its own, a UE and
 * an AP complete a TLS 1.0 handshake with certificates made on the fly, and the report names what was
 * negotiated (suite, verification, the RFC 7627 / 7366 extensions the defaults turn on).
 */
import t from 'tap';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const demo = fileURLToPath(new URL('../../bench/demo.js', import.meta.url));

t.test('npm run demo: handshake, data, report', async (t) => {
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
    const child = execFile(process.execPath, [demo], { timeout: 60_000 }, (_err, stdout) => resolve({ stdout, code: child.exitCode }));
  });
  t.equal(code, 0, 'exits 0');
  t.match(stdout, /protocol\s+TLSv1\n/, 'TLS 1.0');
  t.match(stdout, /cipher suite\s+TLS_RSA_WITH_3DES_EDE_CBC_SHA \(DES-CBC3-SHA\)/, 'the suite both profiles require');
  t.match(stdout, /verified\s+yes/, 'the AP certificate verified');
  t.match(stdout, /extensions\s+extended_master_secret yes, encrypt_then_mac yes/, 'EMS and EtM negotiated by default');
  t.match(stdout, /AP -> UE\s+\d+ bytes, HTTP\/1\.1 200 OK/, 'the XCAP answer arrived');
  t.match(stdout, /^OK: the XCAP document arrived intact\.$/m, 'and says so');
});
