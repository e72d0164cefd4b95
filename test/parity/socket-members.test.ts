/**
 * setSession(), setMaxSendFragment(), disableRenegotiation(), getEphemeralKeyInfo(), getSharedSigalgs()
 * and getCertificate(), each next to node:tls's own on the
 * same node:tls TLSv1 server (issue 15 item 4).
 */
import t, { type Test } from 'tap';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type SessionData, type TLSSocket } from '../../lib/index.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const BOUNDED = { timeout: 30_000 };
const NODE_TLS1 = { minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' } as const;

async function listening(t: Test, server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

function nodeTlsServer(handler: (s: tls.TLSSocket) => void): tls.Server {
  return tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1 }, handler);
}

function settled(socket: TLSSocket | tls.TLSSocket): Promise<Error | null> {
  return new Promise((resolve) => {
    socket.once('error', (err: Error) => resolve(err));
    socket.once('close', () => resolve(null));
  });
}

t.test('setSession() before the ClientHello resumes; afterwards it is refused', BOUNDED, async (t) => {
  const server = nodeTlsServer((s) => {
    s.resume();
    s.end();
  });
  const store = new Map<string, Buffer>();
  server.on('newSession', (id: Buffer, data: Buffer, cb: () => void) => {
    store.set(id.toString('hex'), data);
    cb();
  });
  server.on('resumeSession', (id: Buffer, cb: (e: null, d: Buffer | null) => void) => cb(null, store.get(id.toString('hex')) ?? null));
  const port = await listening(t, server);
  const one = connect({ host: 'localhost', port, ca: pki.caPem });
  const done = settled(one);
  const [session] = (await once(one, 'session')) as [SessionData];
  one.resume();
  await done;
  const two = connect({ host: 'localhost', port, ca: pki.caPem });
  two.setSession(session); // TCP still connecting: not too late, as with node:tls
  two.resume();
  await once(two, 'secureConnect');
  t.equal(two.isSessionReused(), true, 'the session given to setSession() was resumed');
  t.throws(() => two.setSession(session), { code: 'ERR_TLS_INVALID_STATE' }, 'after the ClientHello');
  two.destroy();
});

t.test('setMaxSendFragment(): the same answers as node:tls for the same sizes', BOUNDED, async (t) => {
  const server = nodeTlsServer((s) => s.resume());
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem });
  const theirs = tls.connect({ host: 'localhost', port, ca: pki.caPem, ...NODE_TLS1 });
  await Promise.all([once(ours, 'secureConnect'), once(theirs, 'secureConnect')]);
  for (const size of [0, 511, 512, 4096, 16384, 16385, -1]) {
    t.equal(ours.setMaxSendFragment(size), theirs.setMaxSendFragment(size), `size ${size}: ${theirs.setMaxSendFragment(size)}`);
  }
  for (const bad of [1.5, '1024', Number.NaN, 2 ** 31]) {
    let nodeCode: string | undefined;
    try {
      theirs.setMaxSendFragment(bad as number);
    } catch (err) {
      nodeCode = (err as { code?: string }).code ?? "none";
    }
    t.ok(nodeCode, `node:tls throws for ${String(bad)}`);
    t.throws(() => ours.setMaxSendFragment(bad as number), { code: nodeCode ?? 'none' }, `${String(bad)}: ${String(nodeCode)}`);
  }
  ours.destroy();
  theirs.destroy();
});

t.test('setMaxSendFragment(512): every record we send carries at most 512 bytes, node:tls reads them all', BOUNDED, async (t) => {
  const records: Array<{ type: number; length: number }> = [];
  let received = 0;
  let resolveGot: () => void;
  const got = new Promise<void>((r) => (resolveGot = r));
  const target = nodeTlsServer((s) =>
    s.on('data', (d: Buffer) => {
      received += d.length;
      if (received >= 5000) resolveGot();
    }),
  );
  const targetPort = await listening(t, target);
  // A relay that reads the record headers the client sends before node:tls gets them.
  const relay = net.createServer((raw) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    upstream.pipe(raw);
    let pending = Buffer.alloc(0);
    raw.on('data', (d: Buffer) => {
      upstream.write(d);
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt16BE(3)) {
        records.push({ type: pending[0]!, length: pending.readUInt16BE(3) });
        pending = pending.subarray(5 + pending.readUInt16BE(3));
      }
    });
    raw.on('close', () => upstream.destroy());
    upstream.on('close', () => raw.destroy());
  });
  const relayPort = await listening(t, relay);
  const client = connect({ host: 'localhost', port: relayPort, ca: pki.caPem, cipherSuites: 'AES128-SHA' });
  t.equal(client.setMaxSendFragment(512), true);
  client.on('secureConnect', () => client.write(Buffer.alloc(5000, 1)));
  t.teardown(() => client.destroy());
  await got;
  const data = records.filter((r) => r.type === 23);
  // AES128-SHA with encrypt-then-MAC (RFC 7366, which node:tls's OpenSSL agrees to): 512 plaintext
  // padded to 528 (a whole block of padding at most), then the 20-byte MAC = at most 548 on the wire.
  t.ok(data.every((r) => r.length <= 548), `every application_data record <= 548 bytes (${data.map((r) => r.length).join(',')})`);
  t.ok(data.length >= Math.ceil(5000 / 512), `${data.length} records for 5000 bytes`);
  t.equal(received, 5000, 'node:tls got every byte');
});

t.test('disableRenegotiation() on a server: a node:tls client renegotiating fails the socket, as on a node:tls server', BOUNDED, async (t) => {
  const codes: string[] = [];
  for (const make of [
    (h: (s: TLSSocket | tls.TLSSocket) => void) => createServer({ key: pki.keyPem, cert: pki.certPem, renegotiation: 'secure' }, h),
    (h: (s: TLSSocket | tls.TLSSocket) => void) => nodeTlsServer(h),
  ]) {
    let serverResult: Promise<Error | null> | undefined;
    const ready = new Promise<void>((resolve) => {
      const server = make((s) => {
        s.disableRenegotiation();
        serverResult = settled(s);
        s.resume();
        resolve();
      });
      void listening(t, server).then((port) => {
        const client = tls.connect({ host: 'localhost', port, ca: pki.caPem, ...NODE_TLS1 });
        client.on('error', () => {});
        client.resume();
        client.once('secureConnect', () => ready.then(() => client.renegotiate({}, () => {})));
        t.teardown(() => client.destroy());
      });
    });
    await ready;
    const err = await serverResult!;
    codes.push(String((err as { code?: string } | null)?.code));
  }
  t.same(codes, ['ERR_TLS_RENEGOTIATION_DISABLED', 'ERR_TLS_RENEGOTIATION_DISABLED'], 'ut-tls server, then node:tls server');
});

t.test('disableRenegotiation() on a client: a HelloRequest fails the socket (node:tls clients ignore it, docs/api.md)', BOUNDED, async (t) => {
  const server = nodeTlsServer((s) => {
    s.on('error', () => {});
    s.resume();
    s.once('data', () => s.renegotiate({}, () => {}));
  });
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem, renegotiation: 'secure' });
  await once(ours, 'secureConnect');
  ours.disableRenegotiation();
  const result = settled(ours);
  ours.resume();
  ours.write('go');
  t.match(await result, { code: 'ERR_TLS_RENEGOTIATION_DISABLED' });
});

t.test('disableRenegotiation(): our own renegotiate() is refused too', BOUNDED, async (t) => {
  const server = nodeTlsServer((s) => s.resume());
  const port = await listening(t, server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem, renegotiation: 'secure' });
  await once(ours, 'secureConnect');
  ours.disableRenegotiation();
  t.throws(() => ours.renegotiate(), { code: 'ERR_TLS_RENEGOTIATION_DISABLED' });
  ours.destroy();
});

// getEphemeralKeyInfo(), getSharedSigalgs(), getCertificate(): what node:tls answers on the same server.
for (const [kx, openssl, suite] of [
  ['RSA', 'AES128-SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'],
  ['DHE_RSA', 'DHE-RSA-AES128-SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA'],
] as const) {
  t.test(`${kx}: getEphemeralKeyInfo(), getSharedSigalgs(), getCertificate() as node:tls's`, BOUNDED, async (t) => {
    const serverAnswers: unknown[] = [];
    const server = tls.createServer({ key: pki.keyPem, cert: pki.certPem, ...NODE_TLS1, ciphers: `${openssl}:@SECLEVEL=0`, dhparam: 'auto' }, (s) => {
      serverAnswers.push(s.getEphemeralKeyInfo());
      s.resume();
      s.end();
    });
    const port = await listening(t, server);
    const ours = connect({ host: 'localhost', port, ca: pki.caPem, cipherSuites: [suite] });
    const theirs = tls.connect({ host: 'localhost', port, ca: pki.caPem, ...NODE_TLS1, ciphers: `${openssl}:@SECLEVEL=0` });
    await Promise.all([once(ours, 'secureConnect'), once(theirs, 'secureConnect')]);
    const expected = theirs.getEphemeralKeyInfo();
    t.same(ours.getEphemeralKeyInfo(), expected, `client getEphemeralKeyInfo(): ${JSON.stringify(expected)}`);
    if (kx === 'DHE_RSA') t.match(ours.getEphemeralKeyInfo(), { type: 'DH', size: 2048 }, 'the DH prime size');
    t.same(ours.getSharedSigalgs(), theirs.getSharedSigalgs(), 'getSharedSigalgs(): [] at TLS 1.0');
    t.same(ours.getCertificate(), theirs.getCertificate(), 'getCertificate() without a client certificate: {}');
    t.same(serverAnswers, [null, null], "node:tls's server answers null (the reference for ours below)");
    const closed = [settled(ours), settled(theirs)];
    ours.resume();
    theirs.resume();
    await Promise.all(closed);
    t.equal(ours.getEphemeralKeyInfo(), theirs.getEphemeralKeyInfo(), 'null once destroyed');
    t.equal(ours.getCertificate(), theirs.getCertificate(), 'getCertificate(): null once destroyed');
  });
}

t.test('server side: getEphemeralKeyInfo() null, getCertificate() our leaf in node shape, as a node:tls server', BOUNDED, async (t) => {
  const answers: Record<string, unknown>[] = [];
  const record = (s: TLSSocket | tls.TLSSocket) => {
    answers.push({ eph: s.getEphemeralKeyInfo(), sigalgs: s.getSharedSigalgs(), cert: s.getCertificate() });
    s.resume();
    s.end();
  };
  const ourServer = createServer({ key: pki.keyPem, cert: pki.certPem }, record);
  const nodeServer = nodeTlsServer(record);
  for (const server of [ourServer, nodeServer]) {
    const port = await listening(t, server as net.Server);
    const c = tls.connect({ host: 'localhost', port, ca: pki.caPem, ...NODE_TLS1 });
    c.resume();
    await once(c, 'close');
  }
  const [ours, theirs] = answers as [Record<string, unknown>, Record<string, unknown>];
  t.equal(ours.eph, null);
  t.same(ours.eph, theirs.eph);
  t.same(ours.sigalgs, theirs.sigalgs);
  const pick = (c: unknown) => {
    const { subject, issuer, serialNumber, fingerprint256, valid_from, valid_to, subjectaltname } = c as tls.PeerCertificate;
    return { subject, issuer, serialNumber, fingerprint256, valid_from, valid_to, subjectaltname };
  };
  t.same(pick(ours.cert), pick(theirs.cert), 'the same certificate, the same fields');
  t.ok((ours.cert as tls.PeerCertificate).raw.equals((theirs.cert as tls.PeerCertificate).raw), 'raw is the DER both serve');
});

t.test('setServername() before the ClientHello sets server_name, as node:tls; the identity check keeps the connect() name', BOUNDED, async (t) => {
  const seen: (string | false | null)[] = [];
  const serverErrors: unknown[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    seen.push(s.servername);
    try {
      s.setServername('x.example');
    } catch (err) {
      serverErrors.push((err as { code?: string }).code);
    }
    s.resume();
    s.end();
  });
  const port = await listening(t, server as unknown as net.Server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem });
  t.throws(() => ours.setServername(7 as unknown as string), { code: 'ERR_INVALID_ARG_TYPE' });
  ours.setServername('other.example');
  t.equal(ours.servername, 'other.example');
  const theirs = tls.connect({ host: 'localhost', port, ca: pki.caPem, ...NODE_TLS1 });
  (theirs as unknown as { setServername(name: string): void }).setServername('other.example'); // in _tls_wrap.js, not in @types/node
  await Promise.all([once(ours, 'secureConnect'), once(theirs, 'secureConnect')]);
  t.equal(ours.authorized, true, 'the certificate (localhost) is checked against the connect() name');
  t.equal(theirs.authorized, true, 'as node:tls');
  t.throws(() => ours.setServername('late.example'), { code: 'ERR_TLS_INVALID_STATE' }, 'after the ClientHello');
  const closed = [settled(ours), settled(theirs)];
  ours.resume();
  theirs.resume();
  await Promise.all(closed);
  t.same(seen.sort(), ['other.example', 'other.example'], 'the server saw the set name from both clients');
  t.same(serverErrors, ['ERR_TLS_SNI_FROM_SERVER', 'ERR_TLS_SNI_FROM_SERVER'], 'a server socket cannot send SNI');
});

t.test("setServername(''): no server_name at all", BOUNDED, async (t) => {
  const seen: (string | false | null)[] = [];
  const server = createServer({ key: pki.keyPem, cert: pki.certPem }, (s) => {
    seen.push(s.servername);
    s.resume();
    s.end();
  });
  const port = await listening(t, server as unknown as net.Server);
  const ours = connect({ host: 'localhost', port, ca: pki.caPem });
  ours.setServername('');
  await once(ours, 'secureConnect');
  ours.resume();
  await settled(ours);
  t.same(seen, [null], 'no server_name extension');
});
