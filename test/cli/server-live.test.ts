/**
 * `ut-tls server` as a process with real clients (node:tls, i.e. OpenSSL, and gnutls-cli), on what a
 * lab relies on besides the handshake itself:
 * - `--max-connections N`: connection N+1 is dropped and logged with its address; the open one keeps
 *   working; once it closes a new one is served;
 * - graceful stop: SIGTERM/SIGINT stops accepting (a new connection is refused), lets the connected
 *   client go on until it closes, then exits 0; a second signal exits at once; past --grace the
 *   rest are closed with close_notify;
 * - every per-connection log line names the client's own address `peer=127.0.0.1:<its port>`;
 *   `--trace` lists the handshake in order and never the master secret; `--keylog-file` writes
 *   the very line OpenSSL logs for the same connection.
 */
import t from 'tap';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { deadline, GNUTLS_PRIORITY, spawnCollected, startCliServer, tempDir, waitForOutput, type SpawnedPeer } from '../helpers/peers.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 60_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;

interface Client {
  socket: tls.TLSSocket;
  data(): string;
  keylog: string[];
  closed: Promise<void>;
}

/** A node:tls TLS 1.0 client, resolved once its handshake is done (rejected if the server drops it first). */
async function tls1Client(port: number): Promise<Client> {
  const socket = tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  const keylog: string[] = [];
  socket.on('keylog', (line: Buffer) => keylog.push(line.toString('latin1').trim()));
  let text = '';
  socket.setEncoding('latin1').on('data', (d: string) => (text += d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve());
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before the handshake finished')));
  });
  return { socket, data: () => text, keylog, closed };
}

/** Writes `text` and waits for it to come back (the server runs --echo). */
async function echoed(c: Client, text: string): Promise<void> {
  const before = c.data().length;
  c.socket.write(text);
  await waitForOutput(() => c.data().slice(before), new RegExp(text.replace(/[^\w ]/g, '.')), 10_000);
}

function closeClient(t: { teardown(fn: () => void): void }, c: Client): void {
  t.teardown(() => {
    c.socket.destroy();
  });
}

const exitOf = (server: SpawnedPeer, ms: number) => Promise.race([server.exited, deadline(ms).then(() => 'still running')]);

const SERVER = ['--key', pki.keyFile, '--cert', pki.certFile, '--echo'];

t.test('--max-connections 1: the second connection is dropped and logged, the first goes on, then a new one is served', BOUNDED, async (t) => {
  const server = await startCliServer(t, [...SERVER, '--max-connections', '1']);
  const first = await tls1Client(server.port);
  closeClient(t, first);
  await echoed(first, 'one');

  // Over a socket of our own, to know its port even though the server resets it at once.
  const raw = net.connect(server.port, '127.0.0.1');
  raw.on('error', () => {});
  await once(raw, 'connect');
  const secondPort = raw.localPort;
  const second = tls.connect({ socket: raw, ca: pki.caPem, servername: 'localhost', ...NODE_TLS1 });
  second.on('error', () => {});
  let handshook = false;
  second.once('secureConnect', () => (handshook = true));
  await new Promise((resolve) => second.once('close', resolve));
  t.notOk(handshook, 'the connection past the limit gets no handshake');
  await waitForOutput(server.stderr, new RegExp(`^dropped peer=127\\.0\\.0\\.1:${secondPort} reason=--max-connections 1 reached$`, 'm'));

  await echoed(first, 'still here');
  t.pass('the open connection still echoes');
  first.socket.end();
  await first.closed;
  // The server counts the closed connection out when its TCP close arrives: try a few times.
  let third: Client | undefined;
  for (let i = 0; i < 20 && !third; i++) {
    third = await tls1Client(server.port).catch(async () => {
      await deadline(100);
      return undefined;
    });
  }
  t.ok(third, 'a new connection is served once the first has closed');
  closeClient(t, third!);
  await echoed(third!, 'three');
  t.equal((server.stderr().match(/^handshake /gm) ?? []).length, 2, 'two handshakes (first and third)');
});

t.test('SIGTERM with a client connected: stops accepting, the client finishes, exit 0', BOUNDED, async (t) => {
  const server = await startCliServer(t, [...SERVER, '--grace', '60000']);
  const client = await tls1Client(server.port);
  closeClient(t, client);
  await echoed(client, 'before');
  server.child.kill('SIGTERM');
  await waitForOutput(server.stderr, /^stopping signal=SIGTERM open=1 grace=60000ms$/m);

  // No longer accepting: a new TCP connection is refused.
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(server.port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
  t.equal(refused, 'ECONNREFUSED', 'a new connection is refused while stopping');

  await echoed(client, 'after the signal');
  t.pass('the connected client is still served');
  t.equal(server.child.exitCode, null, 'the server waits for it');
  client.socket.end();
  t.equal(await exitOf(server, 15_000), 0, 'exit 0 once the client has closed');
  t.match(server.stderr(), /^stopped open=0$/m, 'says it stopped with nothing left open');
  t.equal(server.stdout(), `listening on 127.0.0.1:${server.port}\n`, 'stdout: only the listening line');
});

t.test('SIGINT then a second signal: exits at once, whatever is still open', BOUNDED, async (t) => {
  const server = await startCliServer(t, [...SERVER, '--grace', '600000']);
  const client = await tls1Client(server.port);
  closeClient(t, client);
  await echoed(client, 'hello');
  server.child.kill('SIGINT');
  await waitForOutput(server.stderr, /^stopping signal=SIGINT open=1 grace=600000ms$/m);
  t.equal(await exitOf(server, 1000), 'still running', 'the first signal waits for the client');
  server.child.kill('SIGTERM');
  // The grace is ten minutes and the client never closes: only the second signal can end it here.
  t.equal(await exitOf(server, 15_000), 0, 'the second signal exits, code 0');
  await Promise.race([client.closed, deadline(10_000)]);
  t.ok(client.socket.destroyed, 'the client sees the connection end');
});

t.test('past --grace the server closes what is left with close_notify and exits 0 (gnutls-cli sees a proper close)', BOUNDED, async (t) => {
  const server = await startCliServer(t, [...SERVER, '--grace', '300']);
  const cli = spawnCollected(t, 'gnutls-cli', ['-p', String(server.port), '127.0.0.1', '--x509cafile', pki.caFile, '--priority', GNUTLS_PRIORITY.TLS_RSA_WITH_3DES_EDE_CBC_SHA!]);
  cli.child.stdin!.write('ping\n'); // stdin stays open: the client would stay forever
  await waitForOutput(cli.stdout, /ping\n/, 15_000);
  server.child.kill('SIGTERM');
  t.equal(await exitOf(server, 15_000), 0, 'exit 0 after the grace');
  t.match(server.stderr(), /^stopped open=0 closed-after-grace=1$/m, 'says it closed one connection after the grace');
  const cliExit = await Promise.race([cli.exited, deadline(10_000).then(() => 'still running')]);
  t.not(cliExit, 'still running', 'gnutls-cli ends with the connection');
  t.match(cli.stderr() + cli.stdout(), /Peer has closed the GnuTLS connection|Server has terminated gracefully/, 'a close_notify, not a TCP reset');
  t.notMatch(cli.stderr() + cli.stdout(), /non-properly terminated/, 'not an unannounced close');
  cli.child.stdin!.end();
});

t.test('--trace and --keylog-file: every line names the peer, the handshake in order, the key line OpenSSL logs, no secret', BOUNDED, async (t) => {
  const keylog = join(tempDir(t, 'ut-tls-cli-'), 'server-keys.log');
  const server = await startCliServer(t, [...SERVER, '--trace', '--keylog-file', keylog]);
  const client = await tls1Client(server.port);
  closeClient(t, client);
  const peer = `127.0.0.1:${client.socket.localPort}`;
  await echoed(client, 'traced');
  client.socket.end();
  await client.closed;
  await waitForOutput(server.stderr, /alert: warning close_notify/);

  const lines = server.stderr().trimEnd().split('\n');
  t.ok(lines.length > 10, `a trace was printed (${lines.length} lines)`);
  const withoutPeer = lines.filter((l) => !l.startsWith(`trace peer=${peer} `) && !l.startsWith(`handshake peer=${peer} `));
  t.same(withoutPeer, [], `every line is "trace peer=${peer} ..." or "handshake peer=${peer} ..."`);
  t.match(server.stderr(), new RegExp(`^handshake peer=${peer} suite=TLS_RSA_WITH_AES_128_CBC_SHA resumed=no servername=localhost$`, 'm'));

  const msgs = lines.map((l) => /^trace peer=\S+ {5}([A-Za-z]+)/.exec(l)?.[1]).filter((m): m is string => m !== undefined);
  t.same(
    msgs.slice(0, 9),
    ['ClientHello', 'ServerHello', 'Certificate', 'ServerHelloDone', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished', 'NewSessionTicket', 'ChangeCipherSpec'],
    'the handshake messages in order (the client asked for a ticket: RFC 5077 3.3)',
  );
  t.equal(msgs[9], 'Finished', "then the server's Finished");
  t.match(server.stderr(), /^trace peer=\S+ record \d+ received client -> server /m, 'records received');
  t.match(server.stderr(), /^trace peer=\S+ record \d+ sent server -> client /m, 'records sent');

  const ours = readFileSync(keylog, 'utf8').trim().split('\n');
  // OpenSSL also logs an "RSA <session id> <master secret>" line; the CLIENT_RANDOM line is the common one.
  t.same(ours, client.keylog.filter((l) => l.startsWith('CLIENT_RANDOM ')), 'the key-log line is the one node:tls (OpenSSL) logs for the same connection');
  const secret = ours[0]!.split(' ')[2]!;
  t.match(secret, /^[0-9a-f]{96}$/, 'a 48-byte master secret');
  const printed = server.stderr().toLowerCase().replace(/[^0-9a-f]/g, '');
  t.notOk(printed.includes(secret.slice(0, 32)), 'the master secret (not even its first half) is never printed');
});
