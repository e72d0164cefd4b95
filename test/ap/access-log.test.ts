/**
 * The access log on the wire: one line per request in a file, with peer, server_name, host, route,
 * identity and whether it was asserted, method, path, status, body bytes, ms, suite, resumed and how
 * the UE was authenticated; and the line format's quoting.
 */
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatAccessLine } from '../../lib/ap/access-log.js';
import { sleep } from '../helpers/peers.js';
import { demoDir, startBackend, startProxy, twoHostConfig, writeConfig } from './helpers.js';
import { basic, ueConnect, ueGet } from './ue.js';

const ALICE = { authorization: basic('alice', 'alice-secret') };

function fields(line: string): Record<string, string> {
  const out: Record<string, string> = { time: line.slice(0, line.indexOf(' ')) };
  for (const m of line.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return out;
}

t.test('formatAccessLine: key=value, - for nothing, JSON quotes for spaces and quotes', async (t) => {
  const line = formatAccessLine(new Date(0), { peer: '127.0.0.1', sni: null, path: '/a b"c', status: 200, asserted: true, bytes: 3 });
  t.equal(line, '1970-01-01T00:00:00.000Z peer=127.0.0.1 sni=- host=- route=- identity=- asserted=yes method=- path="/a b\\"c" status=200 bytes=3 ms=- suite=- resumed=- auth=-\n');
  t.notMatch(formatAccessLine(new Date(0), { path: '/x\ny' }).slice(0, -1), /\n/, 'a newline in a value never splits the line');
});

t.test('one line per request in the accessLog file', { timeout: 60_000 }, async (t) => {
  const dir = await demoDir(t);
  const as1 = await startBackend(t, 'as1');
  const as2 = await startBackend(t, 'as2');
  const logFile = join(dir, 'access.log');
  const { port } = await startProxy(t, writeConfig(dir, twoHostConfig(as1.url, as2.url, { accessLog: logFile })));
  const ca = readFileSync(join(dir, 'ca.pem'), 'utf8');
  const first = await ueGet({ port, ca, servername: 'as1.example.test', cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] }, '/one', ALICE);
  await ueGet({ port, ca, servername: 'as2.example.test' }, '/two', ALICE);
  await ueGet({ port, ca, servername: 'as1.example.test' }, '/anon');
  await ueGet({ port, ca, servername: 'as1.example.test' }, '/foreign', { ...ALICE, 'x-3gpp-intended-identity': '"sip:bob@example.test"' });
  const c = await ueConnect({ port, ca, servername: 'as1.example.test', session: first.session!, cipherSuites: ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'] });
  t.teardown(() => c.close());
  await c.get('/resumed', ALICE);
  c.close();
  await new Promise<void>((r) => { as2.server.closeAllConnections(); as2.server.close(() => r()); });
  await ueGet({ port, ca, servername: 'as2.example.test' }, '/down', ALICE);

  let lines: string[] = [];
  for (let i = 0; i < 100 && lines.length < 6; i++) {
    lines = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
    if (lines.length < 6) await sleep(50);
  }
  t.equal(lines.length, 6, lines.join('\n'));
  const [one, two, anon, foreign, resumed, down] = lines.map(fields);
  t.match(one, { peer: '127.0.0.1', sni: 'as1.example.test', host: 'as1.example.test', route: '/', identity: 'sip:alice@example.test', asserted: 'yes', method: 'GET', path: '/one', status: '200', resumed: 'no', auth: 'authenticator', suite: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' });
  t.equal(Number(one!.bytes), 'as1 GET /one\n'.length, 'bytes: the body sent to the UE');
  t.match(one!.ms, /^\d+(\.\d)?$/);
  t.ok(!Number.isNaN(Date.parse(one!.time!)));
  t.match(two, { sni: 'as2.example.test', identity: 'sip:alice@example.test', asserted: 'no', status: '200' });
  t.match(anon, { status: '401', identity: '-', auth: 'refused' });
  t.match(foreign, { status: '403', identity: '-' });
  t.match(resumed, { resumed: 'yes', suite: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', status: '200' });
  t.match(down, { status: '502', error: /^upstream http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED$/ });
});
