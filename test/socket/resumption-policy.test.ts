/**
 * Resumption re-applies a changed certificate policy (lib/engine/peer-verification.ts): a session
 * made under a laxer minRSABits / allowSHA1Signatures is not resumed by a client whose policy is now
 * stricter. Real sockets: a ut-tls server and client through the public API on 127.0.0.1.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectOptions, type Server, type TLSSocket } from '../../lib/index.js';
import { createTestPki, type TestPki } from '../helpers/testca.js';

const BOUNDED = { timeout: 60_000 };

async function listen(t: Test, pki: TestPki): Promise<number> {
  const server: Server = createServer({ key: pki.server.keyPem, cert: pki.chainPem }, (s) => {
    s.on('error', () => {});
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** One connection: resolves with the socket once the handshake completed, or with the error. */
async function attempt(options: ConnectOptions): Promise<{ socket: TLSSocket; error: (Error & { code?: string }) | null }> {
  const socket = connect({ host: '127.0.0.1', ...options });
  const error = await new Promise<(Error & { code?: string }) | null>((resolve) => {
    socket.once('secureConnect', () => resolve(null));
    socket.once('error', (err) => resolve(err));
  });
  socket.destroy();
  return { socket, error };
}

t.test('a session verified with minRSABits 1024 is not resumed at the default 2048', BOUNDED, async (t) => {
  const pki = await createTestPki({ keyBits: 1024 });
  const port = await listen(t, pki);
  const base = { port, ca: pki.caPem, servername: 'localhost' };
  const first = await attempt({ ...base, minRSABits: 1024 });
  t.equal(first.error, null, 'the lax client accepts the 1024-bit chain');
  const session = first.socket.getSession()!;
  t.ok(session, 'and keeps a session');

  const again = await attempt({ ...base, minRSABits: 1024, session });
  t.equal(again.error, null);
  t.equal(again.socket.isSessionReused(), true, 'the same policy resumes it');

  const strict = await attempt({ ...base, session });
  t.not(strict.error, null, 'the stricter client does not resume: its full handshake meets the 1024-bit key');
  t.match(strict.error!.message, /RSA key|minRSABits/, strict.error?.message ?? "");
  t.equal(strict.socket.isSessionReused(), false);

  const lenient = await attempt({ ...base, session, rejectUnauthorized: false });
  t.equal(lenient.error, null);
  t.equal(lenient.socket.authorizationError, 'CA_KEY_TOO_SMALL', 'rejectUnauthorized: false reports the re-applied policy');
});

t.test('a session with a SHA-1-signed chain is not resumed once allowSHA1Signatures is off', BOUNDED, async (t) => {
  const pki = await createTestPki({ signatureHash: 'SHA-1' });
  const port = await listen(t, pki);
  const base = { port, ca: pki.caPem, servername: 'localhost' };
  const first = await attempt(base);
  t.equal(first.error, null, 'SHA-1 signatures are allowed by default (WAP-211)');
  const session = first.socket.getSession()!;

  const again = await attempt({ ...base, session });
  t.equal(again.socket.isSessionReused(), true, 'the same policy resumes it');

  const strict = await attempt({ ...base, session, allowSHA1Signatures: false });
  t.not(strict.error, null, 'allowSHA1Signatures: false does not resume it; the full handshake refuses the chain');
  t.match(strict.error!.message, /SHA-1|sha1|allowSHA1Signatures/i, strict.error?.message ?? "");
  t.equal(strict.socket.isSessionReused(), false);

  const lenient = await attempt({ ...base, session, allowSHA1Signatures: false, rejectUnauthorized: false });
  t.equal(lenient.socket.authorizationError, 'CA_MD_TOO_WEAK', 'rejectUnauthorized: false reports the re-applied policy');
});
