/**
 * The in-memory handshake both runtime checks of `ut-tls/engine` run: engine-vm-runner.ts in a bare V8
 * context and browser-page.ts in headless Chromium. Two Connections from the given engine module,
 * TLS_RSA_WITH_3DES_EDE_CBC_SHA, the client verifying the chain, one application-data message.
 * It imports nothing at run time (the engine is a parameter), so it runs wherever the engine does.
 */
import type * as Engine from '../../lib/engine-index.js';

export interface HandshakeInput {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export interface HandshakeLog {
  /** typeof the Node globals where this ran: all 'undefined' outside Node. */
  globals: { process: string; require: string; Buffer: string };
  errors: string[];
  received: string;
  clientComplete?: boolean;
  serverComplete?: boolean;
  suite?: string;
  verdict?: unknown;
}

export function inMemoryHandshake(engine: typeof Engine, input: HandshakeInput): HandshakeLog {
  const { Connection, pemDecode, parsePrivateKey } = engine;
  const ca = pemDecode(input.caPem);
  const chain = pemDecode(input.certPem);
  const privateKey = parsePrivateKey(input.keyPem);
  // Read off globalThis: a bundler rewrites a bare `typeof require` to its own shim.
  const g = globalThis as Record<string, unknown>;
  const log: HandshakeLog = {
    globals: { process: typeof g['process'], require: typeof g['require'], Buffer: typeof g['Buffer'] },
    errors: [],
    received: '',
  };
  const queues = { c: [] as Uint8Array[], s: [] as Uint8Array[] };
  const events = (name: 'client' | 'server', q: Uint8Array[]) => ({
    output: (b: Uint8Array) => q.push(b),
    handshakeComplete: () => {
      if (name === 'client') log.clientComplete = true;
      else log.serverComplete = true;
    },
    data: (d: Uint8Array) => {
      log.received += new TextDecoder().decode(d);
    },
    peerClosed: () => {},
    error: (e: Error) => {
      log.errors.push(`${name}: ${e.message}`);
    },
  });
  const suite = ['TLS_RSA_WITH_3DES_EDE_CBC_SHA'];
  const server = new Connection({ isServer: true, certificateChain: chain, privateKey, cipherSuites: suite }, events('server', queues.s));
  const client = new Connection(
    {
      servername: 'localhost',
      cipherSuites: suite,
      rejectUnauthorized: true,
      trustAnchors: ca, // the engine verifies the chain itself (engine/peer-verification.ts)
    },
    events('client', queues.c),
  );
  client.start();
  const pump = () => {
    for (let round = 0; round < 100 && (queues.c.length > 0 || queues.s.length > 0); round++) {
      while (queues.c.length > 0) server.receive(queues.c.shift()!);
      while (queues.s.length > 0) client.receive(queues.s.shift()!);
    }
  };
  pump();
  client.write(new TextEncoder().encode('hello over 3DES'));
  pump();
  log.suite = client.cipherSuite?.name;
  log.verdict = client.peerVerdict;
  return log;
}
