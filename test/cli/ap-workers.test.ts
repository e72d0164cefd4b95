/**
 * `ut-tls ap --workers 2`: two node:cluster workers behind one port, one "listening" line, requests
 * served by both (each worker has its own keep-alive pool to the AS, so the AS sees two connections),
 * SIGTERM drains the workers and the primary exits 0.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep, spawnCollected } from '../helpers/peers.js';
import { demoDir, startBackend, twoHostConfig, writeConfig } from '../ap/helpers.js';
import { basic, ueGet } from '../ap/ue.js';

const CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));

t.test('ut-tls ap --workers 2: one port, both workers serve, SIGTERM exits 0', { timeout: 60_000 }, async (t) => {
  const dir = await demoDir(t);
  const ports = new Set<number>();
  const as1 = await startBackend(t, 'as1', (req) => (ports.add(req.socket.remotePort!), false));
  const peer = spawnCollected(t, process.execPath, [CLI, 'ap', '--config', writeConfig(dir, twoHostConfig(as1.url, as1.url)), '--workers', '2']);
  let port = 0;
  for (let i = 0; i < 750 && !port; i++) {
    const m = /^listening on 127\.0\.0\.1:(\d+)\n$/.exec(peer.stdout());
    if (m) port = Number(m[1]);
    else await sleep(20);
  }
  t.ok(port, `listening line: ${peer.stderr()}`);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  for (let i = 0; i < 8; i++) {
    const r = await ueGet({ port, ca, servername: 'as1.example.test' }, `/${i}`, { authorization: basic('alice', 'alice-secret') });
    t.equal(r.status, 200);
  }
  t.equal(as1.seen.length, 8);
  t.ok(ports.size >= 2, `two workers served (the AS saw ${ports.size} connections)`);
  t.equal(peer.stdout(), `listening on 127.0.0.1:${port}\n`, 'exactly one line on stdout');
  peer.child.kill('SIGTERM');
  const code = await Promise.race([peer.exited, sleep(15_000).then(() => 'timeout')]);
  t.equal(code, 0, peer.stderr());
  t.match(peer.stderr(), /stopped workers=2/);
});
