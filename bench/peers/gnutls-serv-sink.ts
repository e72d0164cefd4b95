/**
 * ut-tls as the sender to GnuTLS (issue 18 item 2): our client writes `fileBytes` zero bytes in
 * 4095-byte writes (what gnutls-cli sends per read of its stdin, so the row compares with gnutls-cli
 * → gnutls-serv) to `gnutls-serv --echo`, which decrypts everything and answers nothing (see
 * peers/gnutls.ts: echo mode stops at the first zero byte). gnutls-serv closes the connection once
 * it has read our close_notify, i.e. once it has decrypted every record; the rate is the bytes over
 * secureConnect … our socket's 'close'. So the figure is bounded by the slower end, as gnutls-cli →
 * gnutls-serv's is.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { freePort, stopProcess, waitForPort } from '../../test/helpers/peers.js';
import { connect } from '../../lib/index.js';
import { gnutlsPriority } from './gnutls.js';
import type { BenchPki } from './pki.js';
import type { SuiteName, Transfer } from './types.js';
import { providerFor, type UtTlsImpl } from './ut-tls.js';

export const GNUTLS_WRITE = 4095;

export async function utTlsClientToGnutlsServ(pki: BenchPki, impl: UtTlsImpl, suite: SuiteName, fileBytes: number, timeoutMs: number): Promise<Transfer> {
  const port = await freePort();
  const serv = spawn('gnutls-serv', ['--x509certfile', pki.certFile, '--x509keyfile', pki.keyFile, '-p', String(port), '--priority', gnutlsPriority(suite), '-q', '--echo'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  serv.on('error', () => {});
  try {
    await waitForPort(port, 15_000, serv);
    return await new Promise<Transfer>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`${impl} → gnutls-serv ${suite}: ${fileBytes} bytes not taken in ${timeoutMs} ms`));
      }, timeoutMs);
      const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.caPem, cipherSuites: [suite], provider: providerFor(impl) });
      const chunk = new Uint8Array(GNUTLS_WRITE);
      let start = 0;
      let sent = 0;
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.resume();
      const pump = () => {
        while (sent < fileBytes) {
          const n = Math.min(GNUTLS_WRITE, fileBytes - sent);
          sent += n;
          if (!socket.write(n === GNUTLS_WRITE ? chunk : chunk.subarray(0, n))) {
            socket.once('drain', pump);
            return;
          }
        }
        socket.end();
      };
      socket.once('secureConnect', () => {
        start = performance.now();
        pump();
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (sent !== fileBytes || start === 0) reject(new Error(`${impl} → gnutls-serv ${suite}: closed after ${sent} of ${fileBytes} bytes`));
        else resolve({ bytes: sent, firstByteAt: start, endAt: performance.now() });
      });
    });
  } finally {
    await stopProcess(serv);
  }
}
