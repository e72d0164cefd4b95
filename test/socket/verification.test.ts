/**
 * The socket layer over the engine's own verification (issue 19 item 5, docs/verification.md): it
 * supplies Node's root store and node:tls's options, and reports like node:tls. Each case runs
 * node:tls's client against the same real server on 127.0.0.1 and compares.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from '../../lib/index.js';
import type { TLSSocket } from '../../lib/socket/tls-socket.js';
import { createTestPki } from '../helpers/testca.js';
import { testPki } from '../helpers/pki.js';

const BOUNDED = { timeout: 30_000 };
const pki = await testPki();
const other = await createTestPki({ organization: 'Other CA' });
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;

async function listening(t: Test, server: tls.Server | ReturnType<typeof createServer>): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** node:tls's server with the test PKI's certificate, TLS 1.0 (what ut-tls speaks). */
function nodeServer(): tls.Server {
  return tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 }, (s) => s.end('x'));
}

interface Outcome {
  authorized: boolean;
  authorizationError: string | null | undefined;
  error?: string;
  reused: boolean;
  fingerprint256: string | undefined;
}

async function settle(socket: tls.TLSSocket | TLSSocket): Promise<Outcome> {
  const result = await new Promise<{ error?: string }>((resolve) => {
    socket.once('secureConnect', () => resolve({}));
    socket.once('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
  });
  const out = {
    authorized: socket.authorized,
    authorizationError: socket.authorizationError === undefined ? undefined : String(socket.authorizationError ?? '') || null,
    ...result,
    reused: socket.isSessionReused(),
    fingerprint256: (socket.getPeerCertificate() as { fingerprint256?: string } | null)?.fingerprint256,
  };
  socket.destroy();
  return out;
}

t.test('rejectUnauthorized: false completes and reports authorizationError as node:tls', BOUNDED, async (t) => {
  const port = await listening(t, nodeServer());
  const opts = { host: '127.0.0.1', port, servername: 'localhost', ca: other.caPem, rejectUnauthorized: false };
  const node = await settle(tls.connect({ ...opts, ...NODE_TLS1 }));
  const ours = await settle(connect(opts));
  t.equal(node.authorized, false);
  t.equal(node.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', "node:tls's code");
  t.same(ours, node, 'same authorized, authorizationError, no error, not reused');
});

t.test('default rejectUnauthorized: the same error code as node:tls, and an alert from our engine', BOUNDED, async (t) => {
  const port = await listening(t, nodeServer());
  const opts = { host: '127.0.0.1', port, servername: 'localhost', ca: other.caPem };
  const node = await settle(tls.connect({ ...opts, ...NODE_TLS1 }));
  const socket = connect(opts);
  const [err] = (await once(socket, 'error')) as [Error & { code?: string; alert?: number; cause?: { sent?: boolean } }];
  t.equal(node.error, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  t.equal(err.code, node.error, 'same code');
  t.equal(err.alert, 48, 'unknown_ca');
  t.equal(err.cause?.sent, true, 'sent by the engine');
  t.equal(socket.authorized, false);
});

t.test("without ca the engine verifies against Node's root store (tls.rootCertificates)", BOUNDED, async (t) => {
  const port = await listening(t, nodeServer());
  const opts = { host: '127.0.0.1', port, servername: 'localhost' };
  const node = await settle(tls.connect({ ...opts, ...NODE_TLS1 }));
  const ours = await settle(connect(opts));
  t.equal(ours.error, node.error, `a test root is not among the public roots: ${String(node.error)}`);
  const lenient = await settle(connect({ ...opts, rejectUnauthorized: false }));
  t.equal(lenient.authorizationError, node.error, 'reported, not refused, with rejectUnauthorized: false');
});

t.test('checkServerIdentity and resumption keep node:tls semantics', BOUNDED, async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => s.end('x'));
  const port = await listening(t, server);
  // A wrong name: node:tls's code, via the engine's RFC 2818 check.
  const wrong = await settle(connect({ host: '127.0.0.1', port, servername: 'wrong.example.org', ca: pki.caPem }));
  t.equal(wrong.error, 'ERR_TLS_CERT_ALTNAME_INVALID');
  // The application's checkServerIdentity gets node's certificate shape and decides.
  let seen = '';
  const custom = await settle(
    connect({
      host: '127.0.0.1',
      port,
      servername: 'wrong.example.org',
      ca: pki.caPem,
      checkServerIdentity: (name, cert) => {
        seen = `${name} ${(cert.subject as { CN?: string } | undefined)?.CN}`;
        return undefined;
      },
    }),
  );
  t.equal(custom.authorized, true, 'accepted by the callback');
  t.equal(seen, 'wrong.example.org localhost');

  // Resumption with rejectUnauthorized: false keeps reporting the stored verdict (OpenSSL keeps the
  // verify result in the session, so node:tls does the same).
  const first = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: other.caPem, rejectUnauthorized: false });
  const sessions: Buffer[] = [];
  first.on('session', (s: Buffer) => sessions.push(s));
  const a = await settle(first);
  t.equal(a.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
  const session = sessions[0] ?? first.getSession();
  const b = await settle(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: other.caPem, rejectUnauthorized: false, session: session as never }));
  t.equal(b.reused, true, 'resumed');
  t.equal(b.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'the stored verdict is reported');
  t.ok(b.fingerprint256 && b.fingerprint256 === a.fingerprint256, 'getPeerCertificate() after resumption: the stored leaf');
  const verified = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.caPem });
  const good: Buffer[] = [];
  verified.on('session', (s: Buffer) => good.push(s));
  const g1 = await settle(verified);
  const g2 = await settle(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.caPem, session: (good[0] ?? verified.getSession()) as never }));
  t.same([g1.authorized, g2.authorized, g2.reused], [true, true, true], 'a verified session resumes authorized');
  t.equal(g2.fingerprint256, g1.fingerprint256, 'with the leaf for getPeerCertificate()');
  // A verifying client does not resume the unverified session: a full handshake, refused.
  const c = await settle(connect({ host: '127.0.0.1', port, servername: 'localhost', ca: other.caPem, session: session as never }));
  t.equal(c.reused, false);
  t.equal(c.error, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
});
