/**
 * Issue 21 item 9: util.inspect / console.log of a TLSSocket (either role) or a Connection never
 * shows the master secret (taken here from the keylog event), in hex or as bytes.
 */
import t from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { inspect } from 'node:util';
import { connect, createServer, type TLSSocket } from '../../lib/index.js';
import { handshake } from '../helpers/engine-pair.js';
import { testPki } from '../helpers/pki.js';

/** The forms inspect could print 48 secret bytes in: hex, spaced hex (Buffer), decimal list (Uint8Array). */
function leaks(text: string, secretHex: string): string | null {
  const bytes = Buffer.from(secretHex, 'hex').subarray(0, 8);
  // Whitespace removed: Buffer's spaced hex becomes plain hex, Uint8Array's aligned list becomes "a,b,c".
  const flat = text.replace(/\s+/g, '').toLowerCase();
  const forms = [bytes.toString('hex'), [...bytes].join(',')];
  return forms.find((f) => flat.includes(f)) ?? null;
}
const deep = { depth: Infinity, showHidden: true } as const;

t.test('inspect of both sockets shows no master secret', async (t) => {
  const pki = await testPki();
  let serverSocket: TLSSocket | undefined;
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    serverSocket = s;
    s.end('hi');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as net.AddressInfo).port;
  const client = connect({ port, host: 'localhost', ca: pki.caPem });
  let line = '';
  client.on('keylog', (l: Buffer) => (line = l.toString()));
  await once(client, 'data');
  const secret = line.trim().split(' ')[2]!;
  t.equal(secret.length, 96, 'master secret from the keylog line');
  // The detector itself finds the secret in every form inspect prints bytes in.
  t.ok(leaks(inspect(Buffer.from(secret, 'hex')), secret), 'detector: Buffer');
  t.ok(leaks(inspect(new Uint8Array(Buffer.from(secret, 'hex'))), secret), 'detector: Uint8Array');
  t.equal(leaks(inspect(client, deep), secret), null, 'client socket');
  t.ok(serverSocket, 'server socket');
  t.equal(leaks(inspect(serverSocket, deep), secret), null, 'server socket (whose store holds the session)');
  t.match(inspect(client), /authorized: true/, 'still a useful summary');
  client.destroy();
});

t.test('inspect of a Connection shows no master secret', async (t) => {
  const p = await handshake();
  const secret = p.client.keylog[0]!.split(' ')[2]!;
  t.equal(leaks(inspect(p.client.conn, deep), secret), null, 'client Connection');
  t.equal(leaks(inspect(p.server.conn, deep), secret), null, 'server Connection');
  t.match(inspect(p.server.conn), /phase: 'open'/);
});
