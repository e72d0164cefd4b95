/**
 * ut-tls's sans-IO engine (lib/engine/connection.ts) with both ends in memory: each end's `output`
 * goes into a queue the other end drains, so a handshake is a few synchronous calls and no socket,
 * stream or event-loop turn is involved. The client checks the server's chain with the same
 * verifyServerChain call the socket layer makes, the server keeps sessions in one
 * MemorySessionStore (as a Server does), so the work per handshake is the socket benchmark's minus I/O.
 */
import { Connection } from '../../lib/engine/connection.js';
import type { SessionData } from '../../lib/engine/types.js';
import type { TLSError } from '../../lib/errors.js';
import { MemorySessionStore } from '../../lib/session/memory-store.js';
import type { BenchPki } from './pki.js';
import { NO_SESSIONS, providerFor, type UtTlsImpl } from './ut-tls.js';
import { SUITES, type MemoryConnection, type MemoryPeer, type PeerOptions, type SuiteName } from './types.js';

/** Hands queued bytes over until both queues are empty; async steps (hooks returning promises) get microtask turns. */
async function settle(toServer: Uint8Array[], toClient: Uint8Array[], server: Connection, client: Connection, done: () => boolean): Promise<void> {
  for (let spins = 0; spins < 1000; spins++) {
    while (toServer.length > 0 || toClient.length > 0) {
      while (toServer.length > 0) server.receive(toServer.shift()!);
      while (toClient.length > 0) client.receive(toClient.shift()!);
    }
    if (done()) return;
    await Promise.resolve();
  }
}

export function utTlsMemoryPeer(impl: UtTlsImpl, pki: BenchPki, options: PeerOptions = {}): MemoryPeer {
  const provider = providerFor(impl);
  const sessionStore = options.cacheSessions === false ? NO_SESSIONS : new MemorySessionStore();
  // One array for the whole run: verify.ts caches parsed anchors by the identity of their bytes,
  // as the socket layer's one-array-per-`ca` does.
  const anchors = [pki.caDer];
  return {
    impl,
    suites: SUITES,
    async handshake(suite: SuiteName, session?: unknown): Promise<MemoryConnection> {
      let toServer: Uint8Array[] = [];
      const toClient: Uint8Array[] = [];
      let received = 0;
      let failure: TLSError | null = null;
      let clientDone = false;
      let serverDone = false;
      const server = new Connection(
        { isServer: true, certificateChain: pki.chain, privateKey: pki.serverKey, cipherSuites: [suite], sessionStore, provider },
        {
          output: (b) => void toClient.push(b),
          handshakeComplete: () => void (serverDone = true),
          data: (d) => void (received += d.length),
          peerClosed: () => {},
          error: (e) => void (failure ??= e),
        },
      );
      let client: Connection | null = new Connection(
        {
          isServer: false,
          servername: 'localhost',
          cipherSuites: [suite],
          provider,
          ...(session ? { session: session as SessionData } : {}),
          trustAnchors: anchors, // the engine verifies the chain itself (engine/peer-verification.ts)
        },
        {
          output: (b) => void toServer.push(b),
          handshakeComplete: () => void (clientDone = true),
          data: () => {},
          peerClosed: () => {},
          error: (e) => void (failure ??= e),
        },
      );
      client.start();
      await settle(toServer, toClient, server, client, () => failure !== null || (clientDone && serverDone));
      if (failure) throw failure;
      if (!clientDone || !serverDone) throw new Error('ut-tls in memory: handshake did not complete');
      return {
        resumed: client.resumed,
        session: client.session,
        async send(chunk, keepGoing) {
          const c = client!;
          const before = received;
          while (keepGoing()) {
            c.write(chunk);
            while (toServer.length > 0) server.receive(toServer.shift()!);
          }
          if (failure) throw failure;
          return received - before;
        },
        serverOnly() {
          // The server's callbacks share this function's closure context: clear what it must not keep.
          client = null;
          toServer = [];
          return server;
        },
        close() {
          if (!client) return;
          client.close();
          void settle(toServer, toClient, server, client, () => true);
          client = null;
        },
      };
    },
  };
}
