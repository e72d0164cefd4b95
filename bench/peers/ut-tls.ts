/**
 * ut-tls over TCP: createServer() and connect() from the public API (lib/index.ts), exactly as an
 * application uses them. The crypto provider goes in through the socket option `provider`:
 * impl "ut-tls" = resolveProvider('auto') (node:crypto where OpenSSL has the algorithm, pure
 * TypeScript otherwise, e.g. RC4 under OpenSSL 3), impl "ut-tls-pure" = the pure provider.
 */
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import '../../lib/crypto/native.js'; // registers the native provider with select.ts (as lib/socket will)
import type { CryptoProvider } from '../../lib/crypto/provider.js';
import { resolveProvider } from '../../lib/crypto/select.js';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import type { SessionData, SessionStore } from '../../lib/engine/types.js';
import type { BenchPki } from './pki.js';
import { writeWhile } from './streams.js';
import { SUITES, TransferCounter, TransferQueue, type PeerClient, type PeerOptions, type PeerServer, type SocketPeer, type SuiteName } from './types.js';

export type UtTlsImpl = 'ut-tls' | 'ut-tls-pure';

export function providerFor(impl: UtTlsImpl): CryptoProvider {
  return impl === 'ut-tls' ? resolveProvider('auto') : resolveProvider('pure');
}

/** A session store that keeps nothing (sessions are never resumable). */
export const NO_SESSIONS: SessionStore = { get: () => undefined, set: () => {}, delete: () => {} };

export function utTlsSocketPeer(impl: UtTlsImpl, pki: BenchPki, options: PeerOptions = {}): SocketPeer {
  const provider = providerFor(impl);
  const store = options.cacheSessions === false ? { sessionStore: NO_SESSIONS } : {};
  return {
    impl,
    suites: SUITES,
    async listen(suite: SuiteName): Promise<PeerServer> {
      const queue = new TransferQueue();
      const open = new Set<TLSSocket>();
      const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [suite], provider, ...store }, (socket) => {
        open.add(socket);
        const counter = new TransferCounter(queue, () => performance.now());
        socket.on('data', (d: Buffer) => counter.data(d.length));
        socket.on('end', () => counter.end());
        socket.on('error', () => {}); // a client that went away; nothing to report
        socket.on('close', () => open.delete(socket));
      });
      server.on('tlsClientError', () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        established: () => open.size,
        nextTransfer: () => queue.next(),
        close: () =>
          new Promise<void>((resolve) => {
            for (const s of open) s.destroy();
            server.close(() => resolve());
          }),
      };
    },
    connect(port: number, suite: SuiteName, session?: unknown): Promise<PeerClient> {
      return new Promise((resolve, reject) => {
        const socket = connect({
          host: '127.0.0.1',
          port,
          servername: 'localhost',
          ca: pki.caPem,
          cipherSuites: [suite],
          provider,
          ...(session ? { session: session as SessionData } : {}),
        });
        socket.once('error', reject);
        socket.once('secureConnect', () => {
          socket.off('error', reject);
          socket.on('error', () => {});
          socket.resume(); // read the server's close_notify/FIN so the socket closes by itself
          resolve({
            resumed: socket.isSessionReused(),
            session: socket.getSession() ?? null,
            send: (chunk, keepGoing) => writeWhile(socket, chunk, keepGoing),
            close: () => void socket.end(),
          });
        });
      });
    },
  };
}
