/**
 * The one event-recording engine harness of the tests: `recordingSide` wraps a Connection and keeps
 * everything it does (bytes out, data, errors, warnings, sessions, key log lines); `makePair` drives
 * a client and a server against each other in memory (no sockets), with the delivery granularity
 * under the test's control: whole flights, one byte at a time, or random splits. The conformance
 * client (conformance.ts) and the lone server (raw-server.ts) build on recordingSide.
 */
import { Connection } from '../../lib/engine/connection.js';
import type { ClientEngineOptions, ServerEngineOptions, SessionData } from '../../lib/engine/types.js';
import type { TLSError } from '../../lib/errors.js';
import { createTestPki, type TestPki } from './testca.js';
import { concatBytes } from '../../lib/util/bytes.js';

let pkiPromise: Promise<TestPki> | null = null;
/** One PKI (root, server for localhost/127.0.0.1, client certificate) shared by a test file. */
export function sharedPki(): Promise<TestPki> {
  pkiPromise ??= createTestPki({ client: 'ue.example.org' });
  return pkiPromise;
}

export interface Side {
  conn: Connection;
  /** Bytes this side emitted and that are not yet delivered. */
  queue: Uint8Array[];
  /** Everything this side ever emitted (for inspection). */
  wire: Uint8Array[];
  received: Uint8Array[];
  errors: TLSError[];
  warnings: number[];
  sessions: SessionData[];
  keylog: string[];
  completed: boolean;
  peerClosed: boolean;
}

export type ConnectionEvents = ConstructorParameters<typeof Connection>[1];

/** A Connection made by `make` from event handlers that record everything it does. */
export function recordingSide(make: (events: ConnectionEvents) => Connection): Side {
  const s = {
    queue: [],
    wire: [],
    received: [],
    errors: [],
    warnings: [],
    sessions: [],
    keylog: [],
    completed: false,
    peerClosed: false,
  } as unknown as Side;
  s.conn = make({
    output: (b) => {
      s.queue.push(b);
      s.wire.push(b);
    },
    handshakeComplete: () => {
      s.completed = true;
    },
    data: (d) => {
      s.received.push(d.slice());
    },
    peerClosed: () => {
      s.peerClosed = true;
    },
    warning: (w) => {
      s.warnings.push(w);
    },
    error: (e) => {
      s.errors.push(e);
    },
    session: (x) => {
      s.sessions.push(x);
    },
    keylog: (l) => {
      s.keylog.push(l);
    },
  });
  return s;
}

export type Delivery = 'whole' | 'bytewise' | 'random';

export interface Pair {
  client: Side;
  server: Side;
  /** Delivers queued bytes both ways until both queues are empty. */
  flush(mode?: Delivery): void;
  receivedBy(s: Side): Uint8Array;
}

export async function makePair(
  clientOptions: Partial<ClientEngineOptions> = {},
  serverOptions: Partial<ServerEngineOptions> = {},
): Promise<Pair> {
  const pki = await sharedPki();
  const server = recordingSide((ev) => new Connection({ isServer: true, certificateChain: pki.chain, privateKey: pki.server.key, ...serverOptions }, ev));
  // The engine verifies the server (secure by default): the shared root is the trust anchor unless
  // the test chose its own anchors, insecureSkipVerify or a verifyPeer callback.
  const explicit = 'trustAnchors' in clientOptions || 'insecureSkipVerify' in clientOptions || 'verifyPeer' in clientOptions;
  const verification = explicit ? {} : { trustAnchors: [pki.root.der] };
  const client = recordingSide((ev) => new Connection({ servername: 'localhost', ...verification, ...clientOptions, isServer: false }, ev));
  let seed = 12345;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const deliver = (from: Side, to: Side, mode: Delivery): void => {
    while (from.queue.length > 0) {
      const chunk = from.queue.shift()!;
      if (mode === 'whole') to.conn.receive(chunk);
      else if (mode === 'bytewise') for (let i = 0; i < chunk.length; i++) to.conn.receive(chunk.subarray(i, i + 1));
      else {
        let off = 0;
        while (off < chunk.length) {
          const n = 1 + rand(Math.min(chunk.length - off, 3000));
          to.conn.receive(chunk.subarray(off, off + n));
          off += n;
        }
      }
    }
  };
  const pair: Pair = {
    client,
    server,
    flush(mode = 'whole') {
      for (let round = 0; round < 1000 && (client.queue.length > 0 || server.queue.length > 0); round++) {
        deliver(client, server, mode);
        deliver(server, client, mode);
      }
    },
    receivedBy(s) {
      return concatBytes(...s.received);
    },
  };
  return pair;
}

/** Starts the client and runs the handshake to its end. */
export async function handshake(
  clientOptions: Partial<ClientEngineOptions> = {},
  serverOptions: Partial<ServerEngineOptions> = {},
  mode: Delivery = 'whole',
): Promise<Pair> {
  const p = await makePair(clientOptions, serverOptions);
  p.client.conn.start();
  p.flush(mode);
  return p;
}
