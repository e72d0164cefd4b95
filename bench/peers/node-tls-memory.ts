/**
 * node:tls with no sockets: a tls.Server and tls.connect() joined by an in-process Duplex pair
 * (what Node calls a JSStreamSocket underneath). OpenSSL still does the protocol and crypto; the
 * bytes go through JavaScript streams instead of the kernel. Handshakes only (the pair has no
 * backpressure, so it is no place for throughput figures).
 */
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { BenchPki } from './pki.js';
import { NODE_TLS_SUITES, nodeClientOptions, nodeServerContextOptions } from './node-tls.js';
import { waitFor } from './streams.js';
import type { MemoryConnection, MemoryPeer, SuiteName } from './types.js';

/** Two Duplex ends: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  ends.push(make(() => ends[1]!), make(() => ends[0]!));
  return [ends[0]!, ends[1]!];
}

export function nodeTlsMemoryPeer(pki: BenchPki): MemoryPeer {
  const servers = new Map<SuiteName, tls.Server>();
  const serverFor = (suite: SuiteName): tls.Server => {
    let s = servers.get(suite);
    if (!s) {
      // Never listens: connections are handed to it with emit('connection', duplex).
      s = tls.createServer(nodeServerContextOptions(pki, suite), (socket) => {
        socket.on('error', () => {});
        socket.resume();
      });
      s.on('tlsClientError', () => {});
      servers.set(suite, s);
    }
    return s;
  };
  return {
    impl: 'node:tls',
    suites: NODE_TLS_SUITES,
    async handshake(suite: SuiteName, session?: unknown): Promise<MemoryConnection> {
      const [serverEnd, clientEnd] = duplexPair();
      serverFor(suite).emit('connection', serverEnd);
      const client = tls.connect({ socket: clientEnd, ...nodeClientOptions(pki, suite, session) });
      await waitFor(client, 'secureConnect');
      client.on('error', () => {});
      client.resume();
      return {
        resumed: client.isSessionReused(),
        session: client.getSession() ?? null,
        send: () => Promise.reject(new Error('node:tls in memory: handshakes only')),
        serverOnly: () => {
          throw new Error('node:tls in memory: no heap figure (the pair links both ends)');
        },
        close: () => void client.end(),
      };
    },
    dispose() {
      for (const s of servers.values()) s.close();
      servers.clear();
    },
  };
}
