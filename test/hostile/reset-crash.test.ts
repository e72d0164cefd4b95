/**
 * Issue 21 item 1: a server written like the README example (no 'error' listener of its own) must
 * survive clients that reset the TCP connection after the handshake (node:tls's rule: a socket error
 * nobody listens to is reported and the socket destroyed, never thrown).
 */
import t from 'tap';
import * as net from 'node:net';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { connect, TLSSocket } from '../../lib/index.js';
import { repoRoot } from '../helpers/paths.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();

t.test('20 resets after the handshake do not kill a server without an error listener', async (t) => {
  const index = join(repoRoot, 'dist', 'lib', 'index.js');
  const script = `
    import { createServer } from ${JSON.stringify(index)};
    import { readFileSync } from 'node:fs';
    const server = createServer({ key: readFileSync(${JSON.stringify(pki.keyFile)}), cert: readFileSync(${JSON.stringify(pki.certFile)}) },
      (socket) => socket.pipe(socket));
    let reported = 0;
    server.on('tlsClientError', () => { reported++; });
    server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
    process.stdin.on('data', () => console.log('REPORTED ' + reported));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  t.teardown(() => {
    if (child.exitCode === null) child.kill();
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  for (let i = 0; i < 100 && !/PORT \d+/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const port = Number(/PORT (\d+)/.exec(out)?.[1]);
  t.ok(port > 0, 'child server listening');

  for (let i = 0; i < 20; i++) {
    const raw = net.connect({ host: '127.0.0.1', port });
    const socket = new TLSSocket(raw, { ca: pki.caPem, host: 'localhost' });
    socket.on('error', () => {});
    await once(socket, 'secureConnect');
    socket.write('ping');
    await once(socket, 'data');
    raw.resetAndDestroy();
    await once(raw, 'close');
  }
  // Give the server a moment to see the last reset, then check it still serves.
  await new Promise((r) => setTimeout(r, 200));
  t.equal(child.exitCode, null, `server process alive (stderr: ${err.slice(0, 300)})`);
  const socket = connect({ port, host: 'localhost', ca: pki.caPem });
  await once(socket, 'secureConnect');
  socket.write('still here');
  const [echo] = (await once(socket, 'data')) as [Buffer];
  t.equal(echo.toString(), 'still here', 'server still echoes after 20 resets');
  socket.destroy();
  child.stdin.write('x');
  for (let i = 0; i < 100 && !/REPORTED \d+/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
  t.ok(Number(/REPORTED (\d+)/.exec(out)?.[1]) >= 1, 'resets reported on the server as tlsClientError');
  child.kill();
});
