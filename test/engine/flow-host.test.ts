/**
 * Issue 19 item 2: a flow needs only a FlowHost (lib/engine/flow-host.ts), not a Connection. Here a
 * ClientFlow and a ServerFlow run whole handshakes against each other over fake hosts: no record
 * layer, no Connection, handshake messages handed across as they are queued.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlertDescription } from '../../lib/alerts.js';
import type { CryptoProvider } from '../../lib/crypto/provider.js';
import { createPureProvider } from '../../lib/crypto/pure.js';
import { seededRandom } from '../../lib/crypto/random.js';
import { ClientFlow } from '../../lib/engine/client.js';
import type { FlowHost } from '../../lib/engine/flow-host.js';
import type { HandshakeFlow } from '../../lib/engine/flow.js';
import type { PendingStates } from '../../lib/engine/key-schedule.js';
import { ServerFlow } from '../../lib/engine/server.js';
import { Transcript } from '../../lib/engine/transcript.js';
import type { SessionData } from '../../lib/engine/types.js';
import { TLSAlertError } from '../../lib/errors.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { HandshakeType, handshakeTypeName } from '../../lib/messages/types.js';
import { bytesEqual } from '../../lib/util/bytes.js';
import { sharedPki } from '../helpers/engine-pair.js';
import { repoRoot } from '../helpers/paths.js';

type Sent = { kind: 'handshake'; type: number; body: Uint8Array; raw: Uint8Array } | { kind: 'ccs' };

/** Records what the flow asks of its host; nothing more. */
/** The instant every fake host reports: taken once, so a run is repeatable within itself. */
const STARTED = Date.now();

class FakeHost implements FlowHost {
  readonly transcript = new Transcript();
  readonly keylog: string[] = [];
  readonly sessions: SessionData[] = [];
  readonly events = { keylog: (line: string) => void this.keylog.push(line), session: (s: SessionData) => void this.sessions.push(s) };
  // One fixed instant inside the shared test PKI's validity (its certificates are made for 30 days from
  // today), so the resumed session's stored verification is re-checked against an unexpired chain.
  readonly now = (): number => STARTED;
  readonly outbox: Sent[] = [];
  readonly warnings: number[] = [];
  pending: PendingStates | null = null;
  versionLocked = false;
  done = false;

  constructor(
    readonly isServer: boolean,
    readonly provider: CryptoProvider,
  ) {}

  sendHandshake(type: number, body: Uint8Array): void {
    const raw = encodeHandshake(type, body);
    this.transcript.add(raw);
    this.outbox.push({ kind: 'handshake', type, body, raw });
  }
  flushHandshake(): void {}
  sendChangeCipherSpec(): void {
    if (!this.pending) throw new Error('ChangeCipherSpec without pending keys');
    this.outbox.push({ kind: 'ccs' });
  }
  setPendingStates(states: PendingStates): void {
    this.pending = states;
  }
  lockVersion(): void {
    this.versionLocked = true;
  }
  setMaxFragment(): void {}
  handshakeDone(): void {
    this.done = true;
  }
  warn(description: number): void {
    this.warnings.push(description);
  }
}

/** Hands each queued message to the peer flow as Connection would (transcript first), and names it. */
async function deliver(from: FakeHost, to: { host: FakeHost; flow: HandshakeFlow }): Promise<string[]> {
  const names: string[] = [];
  for (const item of from.outbox.splice(0)) {
    if (item.kind === 'ccs') {
      if (!to.flow.expectsChangeCipherSpec) throw new Error('ChangeCipherSpec not expected');
      to.flow.onChangeCipherSpec();
      names.push('ChangeCipherSpec');
      continue;
    }
    to.host.transcript.add(item.raw);
    await to.flow.handleMessage({ type: item.type, body: item.body, raw: item.raw });
    names.push(handshakeTypeName(item.type));
  }
  return names;
}

async function run(suite: string, session?: SessionData) {
  const pki = await sharedPki();
  const client = { host: new FakeHost(false, createPureProvider({ random: seededRandom('flow-host client') })), flow: null as unknown as ClientFlow };
  const server = { host: new FakeHost(true, createPureProvider({ random: seededRandom('flow-host server') })), flow: null as unknown as ServerFlow };
  // verifyPeer: the application's explicit verdict (the chain is the shared test PKI's).
  client.flow = new ClientFlow(client.host, { cipherSuites: [suite], verifyPeer: () => ({ authorized: true }), ...(session ? { session } : {}) });
  server.flow = new ServerFlow(server.host, { isServer: true, cipherSuites: [suite], certificateChain: pki.chain, privateKey: pki.server.key, sessionStore: store });
  client.flow.start();
  const flights: string[][] = [];
  for (let i = 0; i < 6 && !(client.flow.complete && server.flow.complete); i++) {
    flights.push(await deliver(client.host, server));
    flights.push(await deliver(server.host, client));
  }
  return { client, server, flights: flights.filter((f) => f.length > 0) };
}

// One store across the runs, so the resumption test finds the session of the full handshake.
const sessions = new Map<string, SessionData>();
const key = (id: Uint8Array): string => Buffer.from(id).toString('hex');
const store = { get: (id: Uint8Array) => sessions.get(key(id)), set: (s: SessionData) => void sessions.set(key(s.id), s), delete: (id: Uint8Array) => void sessions.delete(key(id)) };

for (const [suite, serverFlight] of [
  ['TLS_RSA_WITH_AES_128_CBC_SHA', ['server_hello', 'certificate', 'server_hello_done']],
  ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA', ['server_hello', 'certificate', 'server_key_exchange', 'server_hello_done']],
] as const) {
  t.test(`${suite}: a full handshake between two flows over fake hosts`, async (t) => {
    const { client, server, flights } = await run(suite);
    t.ok(client.flow.complete && server.flow.complete, 'both flows complete');
    t.ok(client.host.done && server.host.done, 'both told their host');
    t.same(flights, [['client_hello'], [...serverFlight], ['client_key_exchange', 'ChangeCipherSpec', 'finished'], ['ChangeCipherSpec', 'finished']], 'RFC 2246 7.3 figure 1');
    t.equal(client.flow.suite?.name, suite);
    t.ok(bytesEqual(client.flow.ownFinished!, server.flow.peerFinished!), 'client Finished verified by the server');
    t.ok(bytesEqual(server.flow.ownFinished!, client.flow.peerFinished!), 'server Finished verified by the client');
    t.same(client.host.keylog, server.host.keylog, 'the same master secret on both sides');
    t.ok(client.host.versionLocked && server.host.versionLocked, 'both locked the record version');
    t.equal(client.host.sessions.length, 1, 'the client reports its new session');
    t.equal(server.host.sessions.length, 1, 'the server reports its new session');
  });
}

t.test('an abbreviated handshake over fake hosts (RFC 2246 7.3 figure 2)', async (t) => {
  const first = await run('TLS_RSA_WITH_AES_128_CBC_SHA');
  const { client, server, flights } = await run('TLS_RSA_WITH_AES_128_CBC_SHA', first.client.host.sessions[0]!);
  t.ok(client.flow.resumed && server.flow.resumed, 'both resumed');
  t.same(flights, [['client_hello'], ['server_hello', 'ChangeCipherSpec', 'finished'], ['ChangeCipherSpec', 'finished']]);
});

t.test('an unexpected message in a flow is unexpected_message naming the state', async (t) => {
  const host = new FakeHost(false, createPureProvider({ random: seededRandom('flow-host lone client') }));
  const flow = new ClientFlow(host, { verifyPeer: () => ({ authorized: true }) });
  flow.start();
  let err: unknown;
  try {
    flow.handleMessage({ type: HandshakeType.finished, body: new Uint8Array(12), raw: encodeHandshake(HandshakeType.finished, new Uint8Array(12)) });
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof TLSAlertError);
  t.equal((err as TLSAlertError).alert, AlertDescription.unexpected_message);
  t.match((err as Error).message, /finished not expected in state WAIT_SERVER_HELLO/);
});

t.test('the flows import the FlowHost interface, not connection.ts (no import circle)', async (t) => {
  for (const f of ['flow.ts', 'client.ts', 'server.ts']) {
    const source = readFileSync(join(repoRoot, 'lib', 'engine', f), 'utf8');
    t.notMatch(source, /from '\.\/connection\.js'/, `${f} does not import connection.ts`);
    t.match(source, /from '\.\/flow-host\.js'/, `${f} imports flow-host.ts`);
  }
});
