// A TypeScript consumer (ESM source): type-checked with module node16, nodenext and bundler against
// the installed package's declarations. Not run: the .mjs program runs the same calls.
import { connect, createServer, createSecureContext, TLSConfigError, type TLSSocket, type ServerOptions } from 'ut-tls';
import type { PeerCertificate } from 'node:tls';

declare const key: string;
declare const cert: string;

const options: ServerOptions = { key, cert, contexts: [{ servername: 'a.example.org', key, cert }] };
const server = createServer(options, (s: TLSSocket) => s.end());
server.addContext('*.example.org', { key, cert });
const b = createSecureContext({ key, cert });
createServer({ key, cert, SNICallback: (name: string, cb) => cb(null, name === 'b.example.org' ? b : null) });
server.on('keylog', (line: Buffer, socket: TLSSocket) => void [line.length, socket.getProtocol()]);

const socket = connect({ host: '127.0.0.1', port: 4433, servername: 'localhost', keylogFile: 'keys.log' }, () => {
  const peer: PeerCertificate = socket.getPeerCertificate();
  console.log(peer.subject.CN, socket.getCipher()?.standardName); // undefined before the handshake (docs/node-parity.md)
});
try {
  createServer({ key, cert });
} catch (e) {
  if (e instanceof TLSConfigError) console.log(e.code, e.option);
}
export {};
