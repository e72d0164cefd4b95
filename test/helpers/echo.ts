/**
 * The ut-tls side of wire tests: a listening ut-tls server on 127.0.0.1 (port 0, closed in
 * t.teardown), an echo server over the test PKI, and a client round trip (connect, one line out and
 * back, end) through the public API.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectOptions, type Server, type ServerOptions, type TLSSocket } from '../../lib/index.js';
import type { TestPkiFiles } from './pki.js';
import type { Teardown } from './peers.js';

/** Listens on 127.0.0.1, a free port; resolves with it. The server is closed in t.teardown. */
export async function listen(t: Teardown, server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

export interface EchoPeers {
  /** Echo server over the test PKI with extra options; records each secure socket. */
  echoServer(options?: Partial<ServerOptions>): { server: Server; sockets: TLSSocket[] };
  /** Connects (trusting the test CA), sends one line, waits for it to come back (rejects if it differs), ends; resolves with the socket. */
  roundTrip(options: ConnectOptions, line?: string): Promise<TLSSocket>;
}

export function echoPeers(pki: Pick<TestPkiFiles, 'keyPem' | 'certPem' | 'caPem'>): EchoPeers {
  return {
    echoServer(options = {}) {
      const sockets: TLSSocket[] = [];
      const server = createServer({ key: pki.keyPem, cert: pki.certPem, ...options }, (s) => {
        sockets.push(s);
        s.on('error', () => {});
        s.pipe(s);
      });
      return { server, sockets };
    },
    async roundTrip(options, line = 'ping\n') {
      const socket = connect({ host: '127.0.0.1', ca: pki.caPem, ...options });
      let got = '';
      const done = new Promise<void>((resolve, reject) => {
        socket.on('data', (d: Buffer) => {
          got += d.toString('latin1');
          if (got.length >= line.length) {
            if (got === line) resolve();
            else reject(new Error(`echo mismatch: sent ${JSON.stringify(line)}, got ${JSON.stringify(got)}`));
          }
        });
        socket.once('error', reject);
      });
      done.catch(() => {}); // a failed handshake rejects once() below first
      await once(socket, 'secureConnect');
      socket.write(line);
      await done;
      socket.end();
      await once(socket, 'close');
      return socket;
    },
  };
}
