/**
 * node:tls (OpenSSL 3) at TLS 1.0: `ciphers: '<suite>:@SECLEVEL=0'`, minVersion/maxVersion 'TLSv1'.
 * OpenSSL 3's default provider has neither RC4 nor (in Node 20's build) DES-CBC3-SHA at TLS 1.0,
 * so only the AES suites. Resumption is node:tls's default: the server issues session tickets
 * (RFC 5077) and the client offers them back; a node:tls server only resumes by session ID when the
 * application implements the newSession/resumeSession events.
 */
import * as tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { BenchPki } from './pki.js';
import { writeWhile } from './streams.js';
import { OPENSSL_NAMES, TransferCounter, TransferQueue, type PeerClient, type PeerServer, type SocketPeer, type SuiteName } from './types.js';

export const NODE_TLS_SUITES: readonly SuiteName[] = ['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA'];

export function nodeTlsOptions(suite: SuiteName): { ciphers: string; minVersion: 'TLSv1'; maxVersion: 'TLSv1' } {
  return { ciphers: `${OPENSSL_NAMES[suite]}:@SECLEVEL=0`, minVersion: 'TLSv1', maxVersion: 'TLSv1' };
}

export function nodeServerContextOptions(pki: BenchPki, suite: SuiteName): tls.TlsOptions {
  return { key: pki.keyPem, cert: pki.certPem, ...nodeTlsOptions(suite) };
}

export function nodeClientOptions(pki: BenchPki, suite: SuiteName, session?: unknown): tls.ConnectionOptions {
  return {
    servername: 'localhost',
    ca: pki.caPem,
    ...nodeTlsOptions(suite),
    ...(session ? { session: session as Buffer } : {}),
  };
}

export function nodeTlsSocketPeer(pki: BenchPki): SocketPeer {
  return {
    impl: 'node:tls',
    suites: NODE_TLS_SUITES,
    async listen(suite: SuiteName): Promise<PeerServer> {
      const queue = new TransferQueue();
      const open = new Set<tls.TLSSocket>();
      const server = tls.createServer(nodeServerContextOptions(pki, suite), (socket) => {
        open.add(socket);
        const counter = new TransferCounter(queue, () => performance.now());
        socket.on('data', (d: Buffer) => counter.data(d.length));
        socket.on('end', () => counter.end());
        socket.on('error', () => {});
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
        const socket = tls.connect({ host: '127.0.0.1', port, ...nodeClientOptions(pki, suite, session) });
        socket.once('error', reject);
        socket.once('secureConnect', () => {
          socket.off('error', reject);
          socket.on('error', () => {});
          socket.resume();
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
