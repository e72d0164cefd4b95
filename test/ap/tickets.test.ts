/**
 * ap.json `tls.tickets` (RFC 5077) on the wire: two `ut-tls ap` processes given the same
 * `tls.ticketKeys` file resume each other's sessions with no shared store; the ticket carries no
 * authentication record, so a UE resuming from one is authenticated again even with
 * `reauthentication: trust`; `--workers 2` with tickets and no key file share the primary's keys;
 * without `tickets` the AP issues none. Bad ticket configuration stops the AP with one line.
 */
import t, { type Test } from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApConfigError, loadApConfig } from '../../lib/ap/config.js';
import { sleep, spawnCollected } from '../helpers/peers.js';
import { demoDir, startApNode, startBackend, twoHostConfig, writeConfig } from './helpers.js';
import { basic, ueConnect, type UeConnection } from './ue.js';

const CLI = fileURLToPath(new URL('../../lib/cli.js', import.meta.url));
const BOUNDED = { timeout: 60_000 };
const ALICE = { authorization: basic('alice', 'alice-secret') };

async function ue(t: Test, port: number, ca: string, session?: Parameters<typeof ueConnect>[0]['session']): Promise<UeConnection> {
  const c = await ueConnect({ port, ca, servername: 'as1.example.test', sessionTickets: true, ...(session ? { session } : {}) });
  t.teardown(() => c.close());
  return c;
}

t.test('two AP nodes sharing tls.ticketKeys resume each other without a store; the UE authenticates again', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  writeFileSync(join(dir, 'ticket-keys.bin'), Buffer.alloc(48, 0x5a));
  const config = writeConfig(dir, twoHostConfig(as1.url, as1.url, { tls: { tickets: true, ticketKeys: 'ticket-keys.bin' }, reauthentication: 'trust' }));
  const a = await startApNode(t, config);
  const b = await startApNode(t, config);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');

  const first = await ue(t, a.port, ca);
  t.equal((await first.get('/one', ALICE)).status, 200, 'authenticated on node A');
  const session = first.socket.getSession()!;
  t.ok(session.ticket && session.ticket.length > 0, 'node A issued a ticket');
  first.close();

  const second = await ue(t, b.port, ca, session);
  t.equal(second.socket.isSessionReused(), true, 'node B resumed from the ticket (it never saw the session)');
  const unauthenticated = await second.get('/two');
  t.equal(unauthenticated.status, 401, "no authentication record in the ticket: asked to authenticate, even with reauthentication 'trust'");
  t.equal((await second.get('/three', ALICE)).status, 200, 'then authenticated on node B');
  t.same(as1.seen.map((r) => r.url), ['/one', '/three'], 'only authenticated requests reached the AS');
});

t.test('without tls.tickets the AP issues no ticket (the default)', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const a = await startApNode(t, writeConfig(dir, twoHostConfig(as1.url, as1.url)));
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const c = await ue(t, a.port, ca);
  t.equal((await c.get('/', ALICE)).status, 200);
  t.equal(c.socket.getSession()!.ticket, undefined, 'no NewSessionTicket');
  t.equal(c.socket.connection.agreement.sessionTicket, false, 'the ServerHello did not acknowledge SessionTicket');
});

t.test('--workers 2 with tls.tickets and no key file: every worker opens every ticket', BOUNDED, async (t) => {
  const dir = await demoDir(t);
  const ports = new Set<number>();
  const as1 = await startBackend(t, 'as1', (req) => (ports.add(req.socket.remotePort!), false));
  const peer = spawnCollected(t, process.execPath, [CLI, 'ap', '--config', writeConfig(dir, twoHostConfig(as1.url, as1.url, { tls: { tickets: true } })), '--workers', '2']);
  let port = 0;
  for (let i = 0; i < 750 && !port; i++) {
    const m = /^listening on 127\.0\.0\.1:(\d+)\n$/.exec(peer.stdout());
    if (m) port = Number(m[1]);
    else await sleep(20);
  }
  t.ok(port, `listening: ${peer.stderr()}`);
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const first = await ue(t, port, ca);
  t.equal((await first.get('/0', ALICE)).status, 200);
  const session = first.socket.getSession()!;
  first.close();
  let resumed = 0;
  for (let i = 1; i <= 6; i++) {
    const c = await ue(t, port, ca, session);
    if (c.socket.isSessionReused()) resumed++;
    t.equal((await c.get(`/${i}`, ALICE)).status, 200);
    c.close();
  }
  t.equal(resumed, 6, 'all six connections resumed, whichever worker took them');
  t.ok(ports.size >= 2, `both workers served (the AS saw ${ports.size} connections)`);
  peer.child.kill('SIGTERM');
  t.equal(await Promise.race([peer.exited, sleep(15_000).then(() => 'timeout')]), 0);
});

t.test('bad ticket configuration: one line naming the file and the key', async (t) => {
  const dir = await demoDir(t);
  writeFileSync(join(dir, 'short.bin'), Buffer.alloc(47));
  writeFileSync(join(dir, 'good.bin'), Buffer.alloc(48));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ticketKeys: 'good.bin' }, /tls\.ticketKeys: only with "tickets": true/],
    [{ tickets: true, ticketKeys: 'short.bin' }, /tls\.ticketKeys: .*short\.bin has 47 bytes; expected 48/],
    [{ tickets: true, ticketKeys: 'missing.bin' }, /tls\.ticketKeys: cannot read .*missing\.bin: ENOENT/],
    [{ tickets: 'yes' }, /tls\.tickets/],
  ];
  for (const [tls, re] of cases) {
    const file = writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', { tls }), `bad-${Math.random().toString(36).slice(2)}.json`);
    t.throws(() => loadApConfig(file), ApConfigError);
    try {
      loadApConfig(file);
    } catch (err) {
      t.match((err as Error).message, re, JSON.stringify(tls));
      t.notMatch((err as Error).message, /\n/, 'one line');
    }
  }
  const ok = loadApConfig(writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2', { tls: { tickets: true, ticketKeys: 'good.bin' } })));
  t.equal(ok.tls.tickets, true);
  t.equal(ok.tls.ticketKeys?.length, 48);
  t.equal(loadApConfig(writeConfig(dir, twoHostConfig('http://127.0.0.1:1', 'http://127.0.0.1:2'))).tls.tickets, false, 'off by default');
});
