/**
 * The ut-tls/http Agent as a UE uses it: one socket for sequential keep-alive requests, TLS session
 * resumption once that socket is gone, sessions kept apart per virtual host (servername), and
 * destroy() closing everything. Each fact is read on the server side of a real connection.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import type * as http from 'node:http';
import { createTestPki } from '../helpers/testca.js';
import { Agent, createServer, get, request } from '../../lib/http/index.js';
import { echoHandler, listen, type Seen } from './helpers.js';

const BOUNDED = { timeout: 60_000 };
// One certificate for two virtual host names (Annex A option 2: a multi-identity certificate).
const pki = await createTestPki({ names: ['a.example', 'b.example', 'localhost', '127.0.0.1'] });

interface Hooked {
  port: number;
  seen: Seen[];
  /** The session ids (hex) the ClientHellos offered, in order. */
  offered: string[];
}

/** A ut-tls/http server whose session store is the application's hooks, so every offer is seen. */
async function hookedServer(t: Test): Promise<Hooked> {
  const seen: Seen[] = [];
  const server = createServer({ key: pki.server.keyPem, cert: pki.chainPem }, echoHandler(seen));
  const store = new Map<string, Buffer>();
  const offered: string[] = [];
  server.on('newSession', (id: Buffer, data: Buffer, done: () => void) => {
    store.set(id.toString('hex'), data);
    done();
  });
  server.on('resumeSession', (id: Buffer, done: (err: Error | null, data: Buffer | null) => void) => {
    offered.push(id.toString('hex'));
    done(null, store.get(id.toString('hex')) ?? null);
  });
  const port = await listen(t, server);
  return { port, seen, offered };
}

function fetchJson(agent: Agent, port: number, servername: string, path = '/'): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, servername, path, agent, ca: pki.caPem }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (s += d));
      res.on('end', () => resolve(JSON.parse(s) as Seen));
    });
    req.on('error', reject);
    req.end();
  });
}

async function closeFreeSockets(agent: Agent): Promise<void> {
  const sockets = Object.values(agent.freeSockets).flat().filter((s) => s !== undefined);
  for (const s of sockets) {
    s.destroy();
    if (!s.closed) await once(s, 'close');
  }
}

t.test('sequential requests share one socket; after it closes the next request resumes the session', BOUNDED, async (t) => {
  const { port, seen } = await hookedServer(t);
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const first = await fetchJson(agent, port, 'a.example', '/1');
  const second = await fetchJson(agent, port, 'a.example', '/2');
  t.equal(first.remotePort, second.remotePort, 'one socket for both requests');
  t.equal(first.reused, false, 'the first connection is a full handshake');
  t.equal(agent.sessions.size, 1, 'the agent keeps the session of the first connection');
  await closeFreeSockets(agent);
  const third = await fetchJson(agent, port, 'a.example', '/3');
  t.not(third.remotePort, first.remotePort, 'a new connection');
  t.equal(third.reused, true, 'the new connection resumed the cached session');
  t.equal(seen.length, 3);
});

t.test('two virtual hosts keep separate sessions: a session of one is never offered to the other', BOUNDED, async (t) => {
  const { port, offered } = await hookedServer(t);
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  const a1 = await fetchJson(agent, port, 'a.example');
  const b1 = await fetchJson(agent, port, 'b.example');
  t.equal(a1.servername, 'a.example');
  t.equal(b1.servername, 'b.example');
  t.not(a1.remotePort, b1.remotePort, 'one pool per servername: different sockets');
  t.equal(b1.reused, false, 'b.example did not get a.example\'s session');
  t.same(offered, [], 'no session was offered on the first connection to either host');
  t.equal(agent.sessions.size, 2, 'one cached session per virtual host');
  await closeFreeSockets(agent);
  const a2 = await fetchJson(agent, port, 'a.example');
  const b2 = await fetchJson(agent, port, 'b.example');
  t.equal(a2.reused, true, 'a.example resumed its own session');
  t.equal(b2.reused, true, 'b.example resumed its own session');
  t.equal(a2.servername, 'a.example');
  t.equal(b2.servername, 'b.example');
  // The server resumes a session only under its own server name (docs/architecture.md), so two
  // resumptions mean each host was offered its own session; and they are two different sessions.
  t.equal(offered.length, 2);
  t.not(offered[0], offered[1], 'two different session ids');
});

t.test('maxCachedSessions: 0 turns the session cache off (every connection is a full handshake)', BOUNDED, async (t) => {
  const { port, offered } = await hookedServer(t);
  const agent = new Agent({ keepAlive: true, maxCachedSessions: 0 });
  t.teardown(() => agent.destroy());
  await fetchJson(agent, port, 'a.example');
  await closeFreeSockets(agent);
  const again = await fetchJson(agent, port, 'a.example');
  t.equal(again.reused, false);
  t.same(offered, [], 'the agent offered no session');
});

t.test('agent.destroy() closes the sockets in use and the free ones', BOUNDED, async (t) => {
  const seen: Seen[] = [];
  let holdOpen: http.ServerResponse | undefined;
  const handler = echoHandler(seen);
  const server = createServer({ key: pki.server.keyPem, cert: pki.chainPem }, (req, res) => {
    if (req.url === '/slow') {
      holdOpen = res; // never answered: the socket stays busy
      res.writeHead(200);
      res.write('started\n');
      return;
    }
    handler(req, res);
  });
  const port = await listen(t, server);
  const agent = new Agent({ keepAlive: true, ca: pki.caPem });
  await fetchJson(agent, port, 'a.example'); // leaves a free socket
  const busy = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, servername: 'b.example', path: '/slow', agent }, resolve);
    req.on('error', reject);
  });
  const free = Object.values(agent.freeSockets).flat()[0]!;
  const inUse = Object.values(agent.sockets).flat()[0]!;
  t.ok(free && inUse, 'one free and one busy socket before destroy()');
  busy.on('error', () => {}); // the aborted response reports 'aborted' / ECONNRESET
  const busyClosed = new Promise((resolve) => busy.once('close', resolve));
  agent.destroy();
  const closed = (s: { closed: boolean; once(e: 'close', f: () => void): unknown }) => (s.closed ? null : new Promise<void>((r) => s.once('close', () => r())));
  await Promise.all([closed(free), closed(inUse), busyClosed]);
  t.equal(free.destroyed, true, 'the free socket is closed');
  t.equal(inUse.destroyed, true, 'the busy socket is closed');
  holdOpen?.end();
});

t.test('request(url) and get(url) take a URL string like https.request', BOUNDED, async (t) => {
  const seen: Seen[] = [];
  const server = createServer({ key: pki.server.keyPem, cert: pki.chainPem }, echoHandler(seen));
  const port = await listen(t, server);
  const agent = new Agent({ ca: pki.caPem });
  t.teardown(() => agent.destroy());
  const body = await new Promise<string>((resolve, reject) => {
    get(`https://localhost:${port}/from-url?x=1`, { agent }, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (s += d));
      res.on('end', () => resolve(s));
    }).on('error', reject);
  });
  const json = JSON.parse(body) as Seen;
  t.equal(json.url, '/from-url?x=1');
  t.equal(json.servername, 'localhost', 'the URL host is the servername');
  t.equal(json.method, 'GET');
});
