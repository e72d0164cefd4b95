/**
 * The ut-tls Agent (https.Agent's shape): one socket for sequential keep-alive requests, session
 * resumption once that socket is gone, separate sessions per virtual host (server_name), maxSockets,
 * maxCachedSessions, agent.destroy(), and request()/get() with the global agent.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import type * as http from 'node:http';
import { Agent, createServer, get, globalAgent, request, type RequestOptions } from '../../lib/http/index.js';
import { loadCertificates, loadPrivateKey } from '../../lib/socket/options.js';
import type { TLSSocket } from '../../lib/socket/tls-socket.js';
import { createCertificate, generateRsaKey } from '../helpers/testca.js';
import { testPki } from '../helpers/pki.js';
import { echoHandler, listen, type Seen } from './helpers.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };

interface Answer {
  res: http.IncomingMessage;
  json: Seen;
  socket: TLSSocket;
}

function fetchJson(options: RequestOptions, body?: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      let s = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (s += d));
      res.on('end', () => resolve({ res, json: JSON.parse(s) as Seen, socket: req.socket as unknown as TLSSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function server(t: Test) {
  const seen: Seen[] = [];
  const s = createServer({ key: pki.keyPem, cert: pki.certPem }, echoHandler(seen));
  return { server: s, port: await listen(t, s), seen };
}

/** Waits until the agent has no socket in use nor free for this name. */
async function dropFreeSockets(agent: Agent): Promise<void> {
  const free = Object.values(agent.freeSockets).flat().filter((s): s is NonNullable<typeof s> => !!s);
  for (const s of free) {
    const closed = once(s, 'close');
    s.destroy();
    await closed;
  }
}

t.test('sequential requests reuse one socket; after it closes the next one resumes the session', BOUNDED, async (t) => {
  const { port, seen } = await server(t);
  const agent = new Agent({ keepAlive: true, ca: pki.caPem });
  t.teardown(() => agent.destroy());
  const base = { host: 'localhost', port, agent };
  const a = await fetchJson({ ...base, path: '/1' });
  const b = await fetchJson({ ...base, path: '/2' });
  const c = await fetchJson({ ...base, path: '/3' });
  t.equal(a.socket, b.socket, 'the same TLSSocket');
  t.equal(b.socket, c.socket);
  t.equal(new Set(seen.map((s) => s.remotePort)).size, 1, 'one TCP connection on the server side');
  t.equal(a.socket.isSessionReused(), false, 'the first handshake is a full one');
  t.equal(agent.sessions.size, 1, 'its session is cached');
  await dropFreeSockets(agent);
  const d = await fetchJson({ ...base, path: '/4' });
  t.not(d.socket, a.socket, 'a new socket');
  t.equal(d.socket.isSessionReused(), true, 'which resumed the cached session');
  t.equal(d.json.reused, true, 'the server agrees');
  t.same(d.socket.getSession()?.id, a.socket.getSession()?.id, 'the same session id');
});

t.test('maxCachedSessions: 0 turns resumption off', BOUNDED, async (t) => {
  const { port } = await server(t);
  const agent = new Agent({ keepAlive: true, ca: pki.caPem, maxCachedSessions: 0 });
  t.teardown(() => agent.destroy());
  t.equal(new Agent().maxCachedSessions, 100, 'default 100, as https.Agent');
  await fetchJson({ host: 'localhost', port, agent, path: '/' });
  await dropFreeSockets(agent);
  const again = await fetchJson({ host: 'localhost', port, agent, path: '/' });
  t.equal(again.socket.isSessionReused(), false);
  t.equal(agent.sessions.size, 0);
});

t.test('two virtual hosts keep separate sessions (never offered to the other host)', BOUNDED, async (t) => {
  const [caKey, k1, k2] = await Promise.all([generateRsaKey(2048), generateRsaKey(2048), generateRsaKey(2048)]);
  const ca = await createCertificate({ key: caKey.key, subject: { CN: 'http vhosts CA' }, isCA: true });
  const leaf = (key: typeof k1, name: string) =>
    createCertificate({ key: key.key, subject: { CN: name }, issuer: { cert: ca.cert, key: ca.key }, dnsNames: [name], extKeyUsage: ['serverAuth'] });
  const [ap1, ap2] = await Promise.all([leaf(k1, 'ap1.test'), leaf(k2, 'ap2.test')]);
  const seen: Seen[] = [];
  const s = createServer(
    { key: ap1.keyPem, cert: ap1.pem, contexts: [{ certificateChain: loadCertificates(ap2.pem, 'cert'), privateKey: loadPrivateKey(ap2.keyPem) }] },
    echoHandler(seen),
  );
  const port = await listen(t, s);
  const agent = new Agent({ keepAlive: true, ca: ca.pem });
  t.teardown(() => agent.destroy());
  const to = (name: string) => ({ host: '127.0.0.1', port, agent, servername: name, headers: { host: name }, path: `/${name}` });
  const first1 = await fetchJson(to('ap1.test'));
  const first2 = await fetchJson(to('ap2.test'));
  t.not(first1.socket, first2.socket, 'one socket per virtual host');
  t.equal(first1.json.servername, 'ap1.test');
  t.equal(first2.json.servername, 'ap2.test');
  t.equal((first2.socket.getPeerCertificate() as { subject?: { CN?: string } }).subject?.CN, 'ap2.test', 'ap2 answered with its own certificate');
  t.equal(agent.sessions.size, 2, 'two cache entries');
  const id1 = first1.socket.getSession()!.id;
  const id2 = first2.socket.getSession()!.id;
  t.notSame(id1, id2);
  await dropFreeSockets(agent);
  const again2 = await fetchJson(to('ap2.test'));
  const again1 = await fetchJson(to('ap1.test'));
  t.equal(again2.socket.isSessionReused(), true);
  t.same(again2.socket.getSession()!.id, id2, "ap2 resumed ap2's session");
  t.equal(again1.socket.isSessionReused(), true);
  t.same(again1.socket.getSession()!.id, id1, "ap1 resumed ap1's session");
  t.same(seen.map((x) => [x.url, x.servername, x.reused]), [
    ['/ap1.test', 'ap1.test', false],
    ['/ap2.test', 'ap2.test', false],
    ['/ap2.test', 'ap2.test', true],
    ['/ap1.test', 'ap1.test', true],
  ]);
});

t.test('maxSockets: two parallel requests with maxSockets 1 share one connection', BOUNDED, async (t) => {
  const { port, seen } = await server(t);
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: pki.caPem });
  t.teardown(() => agent.destroy());
  const [a, b] = await Promise.all([fetchJson({ host: 'localhost', port, agent, path: '/a' }), fetchJson({ host: 'localhost', port, agent, path: '/b' })]);
  t.equal(a.socket, b.socket);
  t.equal(new Set(seen.map((x) => x.remotePort)).size, 1);
});

t.test('agent.destroy() closes every socket, in use or free', BOUNDED, async (t) => {
  let hold!: (res: http.ServerResponse) => void;
  const held = new Promise<http.ServerResponse>((r) => (hold = r));
  const s = createServer({ key: pki.keyPem, cert: pki.certPem }, (req, res) => {
    if (req.url === '/hang') hold(res);
    else res.end('{"url":"/idle"}');
  });
  const port = await listen(t, s);
  const agent = new Agent({ keepAlive: true, ca: pki.caPem });
  const busy = request({ host: 'localhost', port, agent, path: '/hang' });
  const busyError = new Promise<Error>((r) => busy.once('error', r));
  busy.end();
  await held;
  // The busy socket is taken, so this request opens a second one, which then waits in the free pool.
  const idle = await fetchJson({ host: 'localhost', port, agent, path: '/idle' });
  t.not(idle.socket, busy.socket);
  const sockets = [...Object.values(agent.sockets).flat(), ...Object.values(agent.freeSockets).flat()];
  t.equal(sockets.length, 2, 'one busy, one free');
  agent.destroy();
  await Promise.all(sockets.map((x) => (x!.destroyed ? null : once(x!, 'close'))));
  t.ok(sockets.every((x) => x!.destroyed), 'all destroyed');
  t.match((await busyError).message, /socket hang up|aborted/, 'the busy request fails as with https.Agent');
});

t.test('request(url, options, cb) and get() use the global agent (https shape)', BOUNDED, async (t) => {
  const { port } = await server(t);
  t.equal(globalAgent.protocol, 'https:');
  t.equal(globalAgent.defaultPort, 443);
  const body = await new Promise<string>((resolve, reject) => {
    const req = get(`https://localhost:${port}/g?x=1`, { ca: pki.caPem }, (res) => {
      let s = '';
      res.on('data', (d: Buffer) => (s += d));
      res.on('end', () => resolve(s));
    });
    req.on('error', reject);
  });
  t.match(JSON.parse(body), { method: 'GET', url: '/g?x=1', servername: 'localhost' });
  t.throws(() => request('http://localhost:1/'), { code: 'ERR_INVALID_PROTOCOL' }, 'http: URLs are refused, as https.request does');
  globalAgent.destroy();
});

t.test('a bad TLS option is a synchronous configuration error from request()', BOUNDED, async (t) => {
  const agent = new Agent();
  t.throws(() => request({ host: 'localhost', port: 1, agent, cipherSuites: ['NOPE'] }), { name: 'TLSConfigError' });
  agent.destroy();
});

t.test('an untrusted server: the request fails and no session is cached', BOUNDED, async (t) => {
  const { port } = await server(t);
  const agent = new Agent({ keepAlive: true }); // default roots: the test CA is unknown
  t.teardown(() => agent.destroy());
  const err = await new Promise<Error & { code?: string }>((resolve) => {
    const req = request({ host: 'localhost', port, agent }, () => resolve(new Error('answered')));
    req.on('error', resolve);
    req.end();
  });
  t.match(err.code, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED/);
  t.equal(agent.sessions.size, 0);
});
