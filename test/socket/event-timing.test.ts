/**
 * Event order when the handshake's last flight, application data and close_notify arrive in one TCP
 * chunk (docs/node-parity.md "Event timing"): 'secureConnect' / 'secureConnection' come first and an
 * `await once(socket, 'secureConnect')` continues before any 'data', 'end' or 'close', as with
 * node:tls, which is run through the same relay as the reference.
 */
import t, { type Test } from 'tap';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { connect, createServer, type Server, type TLSSocket } from '../../lib/index.js';
import { testPki, type TestPkiFiles } from '../helpers/pki.js';

const pki: TestPkiFiles = await testPki();
const SUITE = 'TLS_RSA_WITH_AES_128_CBC_SHA';
const REPLY = 'reply and goodbye\n';

/**
 * A TCP relay that holds what one side sends for `holdMs` after its first byte and then writes it
 * as one chunk (and forwards a FIN only after that), so a flight and what follows it arrive together.
 */
async function coalescingRelay(t: Test, target: number, coalesce: 'toClient' | 'toServer', holdMs = 40): Promise<number> {
  const open = new Set<net.Socket>();
  const relay = net.createServer((inbound) => {
    const outbound = net.connect(target, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      open.add(s);
      s.on('close', () => open.delete(s));
    }
    const pipeCoalesced = (from: net.Socket, to: net.Socket) => {
      let held: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      let ended = false;
      const flush = () => {
        timer = undefined;
        if (held.length > 0 && !to.destroyed) to.write(Buffer.concat(held));
        held = [];
        if (ended && !to.destroyed) to.end();
      };
      from.on('data', (chunk: Buffer) => {
        held.push(chunk);
        timer ??= setTimeout(flush, holdMs);
      });
      from.on('end', () => {
        ended = true;
        if (!timer) flush();
      });
    };
    // Not pipe(): an unpiped source pauses, and a paused socket never sees its FIN (the relay would linger).
    const pipeDirect = (from: net.Socket, to: net.Socket) => {
      from.on('data', (chunk: Buffer) => to.destroyed || to.write(chunk));
      from.on('end', () => to.destroyed || to.end());
    };
    if (coalesce === 'toClient') {
      pipeDirect(inbound, outbound);
      pipeCoalesced(outbound, inbound);
    } else {
      pipeCoalesced(inbound, outbound);
      pipeDirect(outbound, inbound);
    }
    for (const s of [inbound, outbound]) s.on('error', () => { inbound.destroy(); outbound.destroy(); });
    // No close -> destroy: a side's close must not cut the other short; held bytes and FINs go out (flush).
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  t.teardown(() => new Promise<void>((r) => {
    for (const s of open) s.destroy();
    relay.close(() => r());
  }));
  return (relay.address() as net.AddressInfo).port;
}

async function listen(t: Test, server: Server | net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as net.AddressInfo).port;
}

/** A ut-tls server that answers and ends as soon as the handshake is over. */
async function replyAndEndServer(t: Test): Promise<number> {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [SUITE] }, (s) => {
    s.on('error', () => {});
    s.end(REPLY);
  });
  return listen(t, server);
}

type Client = TLSSocket | tls.TLSSocket;
const clients: Record<string, (port: number) => Client> = {
  'ut-tls': (port) => connect({ host: '127.0.0.1', port, ca: pki.caPem, cipherSuites: [SUITE] }),
  'node:tls': (port) =>
    tls.connect({ host: '127.0.0.1', port, ca: pki.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' }),
};

/** What the client saw, in order, up to the point its `await once(..., 'secureConnect')` continued. */
function recordEvents(socket: Client, flowing: boolean): string[] {
  const seen: string[] = [];
  if (flowing) socket.on('data', (d: Buffer) => seen.push(`data:${d.toString()}`));
  socket.on('end', () => seen.push('end'));
  socket.on('close', () => seen.push('close'));
  socket.on('secureConnect', () => seen.push('secureConnect'));
  return seen;
}

for (const flowing of [true, false]) {
  for (const [name, open] of Object.entries(clients)) {
    t.test(`${name} client, ${flowing ? 'flowing' : 'paused'}: Finished, data and close_notify in one chunk`, async (t) => {
      const relay = await coalescingRelay(t, await replyAndEndServer(t), 'toClient');
      const socket = open(relay);
      const seen = recordEvents(socket, flowing);
      const closed = once(socket, 'close');
      await once(socket, 'secureConnect');
      t.same(seen, ['secureConnect'], 'the await continues before data, end or close');
      if (!flowing) {
        const chunks: Buffer[] = [];
        socket.on('data', (d: Buffer) => chunks.push(d));
        await once(socket, 'end');
        t.equal(Buffer.concat(chunks).toString(), REPLY, 'the reply is still there to read');
      }
      await closed;
      const expectedData = flowing ? [`data:${REPLY}`] : [];
      t.same(seen, ['secureConnect', ...expectedData, 'end', 'close'], 'then data, end, close in order');
    });
  }
}

t.test('ut-tls server: the client Finished, its data and its end in one chunk', async (t) => {
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [SUITE] });
  const port = await listen(t, server);
  const relay = await coalescingRelay(t, port, 'toServer');
  const client = tls.connect({ host: '127.0.0.1', port: relay, ca: pki.caPem, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' });
  client.on('error', () => {});
  // node:tls writes the request right after its Finished, and ends: the relay joins them.
  client.end('request\n');
  client.resume(); // a paused socket never sees its FIN, and would never close
  const [socket] = (await once(server, 'secureConnection')) as [TLSSocket];
  t.equal(socket.readableEnded, false, 'not ended before the application could listen');
  t.equal(socket.destroyed, false, 'not closed before the application could listen');
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => {});
  await once(socket, 'end');
  t.equal(Buffer.concat(chunks).toString(), 'request\n', 'the request is delivered after secureConnection');
  socket.end();
  client.destroy();
});

t.test('an engine error in the completing chunk still arrives, after secureConnect', async (t) => {
  // The server sends a garbage record right after its Finished: the client fails with bad_record_mac
  // or a decode error, but only after 'secureConnect' was seen.
  const server = createServer({ key: pki.keyPem, cert: pki.certPem, cipherSuites: [SUITE] });
  const port = await listen(t, server);
  server.on('secureConnection', (s: TLSSocket) => s.on('error', () => {}));
  const relayServer = net.createServer((inbound) => {
    const outbound = net.connect(port, '127.0.0.1');
    inbound.on('data', (chunk: Buffer) => outbound.destroyed || outbound.write(chunk));
    let toClient = 0;
    outbound.on('data', (chunk: Buffer) => {
      toClient++;
      // The second server flight (ChangeCipherSpec + Finished): append a forged application_data record.
      const extra = toClient === 2 ? Buffer.from([23, 3, 1, 0, 32, ...new Array(32).fill(0x41)]) : Buffer.alloc(0);
      inbound.write(Buffer.concat([chunk, extra]));
    });
    for (const s of [inbound, outbound]) s.on('error', () => { inbound.destroy(); outbound.destroy(); });
    inbound.on('close', () => outbound.destroy());
  });
  const relay = await listen(t, relayServer);
  const client = connect({ host: '127.0.0.1', port: relay, ca: pki.caPem, cipherSuites: [SUITE] });
  const seen: string[] = [];
  client.on('secureConnect', () => seen.push('secureConnect'));
  const failed = once(client, 'error');
  client.on('error', (e: Error) => seen.push(`error:${(e as { code?: string }).code}`));
  await once(client, 'secureConnect');
  t.same(seen, ['secureConnect'], 'no error yet when the await continues');
  const [err] = (await failed) as [Error & { code?: string }];
  t.match(err.code, /^ERR_TLS_/, `the engine error is reported (${err.code})`);
  t.equal(seen.length, 2, 'once');
});
