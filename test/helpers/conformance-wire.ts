/**
 * tlsfuzzer's way of running: a real `ut-tls server` process on 127.0.0.1, and one TCP connection per
 * conversation (tlsfuzzer's Connect). The scripted client (conformance.ts) writes its records on the
 * socket; `expectServer` reads what the server answers until the trace the probe waits for (or the
 * server closes), like the chain of Expect* nodes. ExpectClose is the server's FIN.
 */
import { once } from 'node:events';
import * as net from 'node:net';
import { deadline, startCliServer, type SpawnedPeer, type Teardown } from './peers.js';
import { testPki } from './pki.js';
import type { ClientHello } from '../../lib/messages/client-hello.js';
import { AlertDescription, AlertLevel, EXT, ScriptedClient, trace, type KeyExchangeOptions, type ScriptedTransport, type ServerEvent } from './conformance.js';

/** Longest wait for one expected answer: a hang guard (a stuck server fails the probe), never a timing check. */
const ANSWER_GUARD_MS = 20_000;

/** `ut-tls server --key --cert ARGS` (the shared test PKI), as tlsfuzzer's scripts expect a server to run. */
export async function startUtTlsServer(t: Teardown, args: string[]): Promise<SpawnedPeer> {
  const pki = await testPki();
  return startCliServer(t, ['--key', pki.keyFile, '--cert', pki.certFile, ...args]);
}

/** One TCP connection to the server under test. */
export class WireConnection implements ScriptedTransport {
  readonly pending: Uint8Array[] = [];
  /** The server closed its side (FIN or reset). */
  closed = false;
  private wake: (() => void) | null = null;
  readonly conn = {
    receive: (bytes: Uint8Array): void => {
      if (this.held) this.held.push(bytes);
      else this.socket.write(bytes);
    },
  };
  private held: Uint8Array[] | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.pending.push(new Uint8Array(d));
      this.notify();
    });
    const gone = () => {
      this.closed = true;
      this.notify();
    };
    socket.on('end', gone);
    socket.on('close', gone);
    socket.on('error', gone); // a reset after a fatal alert counts as the close tlsfuzzer expects
  }

  static async open(t: Teardown, port: number): Promise<WireConnection> {
    const socket = net.connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    const c = new WireConnection(socket);
    t.teardown(() => void socket.destroy());
    await once(socket, 'connect');
    return c;
  }

  /** tlsfuzzer's TCPBufferingEnable: hold what the client sends until flush(). */
  hold(): void {
    this.held ??= [];
  }

  /** tlsfuzzer's TCPBufferingDisable + TCPBufferingFlush: everything held leaves in one write. */
  flush(): void {
    const held = this.held ?? [];
    this.held = null;
    if (held.length > 0) this.socket.write(Buffer.concat(held));
  }

  /** tlsfuzzer's Close: our side of the TCP connection ends. */
  close(): void {
    this.socket.end();
  }

  /** Resolves when bytes arrive or the server closes. */
  changed(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

/** A scripted client on a fresh connection to `port` (tlsfuzzer's Connect node). */
export async function connectScripted(t: Teardown, port: number): Promise<{ c: ScriptedClient<WireConnection>; wire: WireConnection }> {
  const wire = await WireConnection.open(t, port);
  return { c: new ScriptedClient(wire), wire };
}

export interface Answer {
  events: ServerEvent[];
  /** trace() of the events, e.g. "hs:2 hs:11 hs:14". */
  trace: string;
  /** The server had closed the connection when reading stopped. */
  closed: boolean;
}

/**
 * Reads the server until the trace of what arrived ends with `until` (a trace such as "hs:14" or
 * "alert:2/40"), or the server closes the connection. With `close: true` it also waits for the close,
 * as tlsfuzzer's ExpectAlert followed by ExpectClose.
 */
export async function expectServer(c: ScriptedClient<WireConnection>, until: string, o: { close?: boolean } = {}): Promise<Answer> {
  const wire = c.server;
  const events: ServerEvent[] = [];
  for (;;) {
    events.push(...c.readServer());
    const got = trace(events);
    const reached = got === until || got.endsWith(` ${until}`);
    if ((reached && (!o.close || wire.closed)) || (wire.closed && wire.pending.length === 0)) {
      return { events, trace: got, closed: wire.closed };
    }
    const moved = await Promise.race([wire.changed().then(() => true), deadline(ANSWER_GUARD_MS).then(() => false)]);
    if (!moved) return { events, trace: `${got} (nothing more within ${ANSWER_GUARD_MS} ms)`, closed: wire.closed };
  }
}

// ---- the conversations every script shares ------------------------------------------------------

/** The request most scripts send (bare newlines, as tlsfuzzer's ApplicationDataGenerator has it). */
export const GET = new TextEncoder().encode('GET / HTTP/1.0\n\n');

/** The extension types of the last ServerHello, in the order sent (ExpectServerHello(extensions=...) checks the set). */
export function serverExtensions(c: ScriptedClient<WireConnection>): number[] {
  return (c.serverHello?.extensions ?? []).map((e) => e.type);
}

/** The renegotiation_info a client sends: empty on a first handshake, its last verify_data in a renegotiation (RFC 5746 3.5). */
export function renegotiationInfo(c: ScriptedClient<WireConnection>): { type: number; data: Uint8Array } {
  return { type: EXT.renegotiation_info, data: Uint8Array.of(c.clientVerifyData.length, ...c.clientVerifyData) };
}

/** An extension with empty data (tlsfuzzer's AutoEmptyExtension). */
export const empty = (type: number): { type: number; data: Uint8Array } => ({ type, data: new Uint8Array(0) });

/**
 * ClientHello .. ServerHelloDone, then ClientKeyExchange, ChangeCipherSpec, Finished and the server's
 * CCS and Finished. `flight` is what answered the hello, `finish` what answered our Finished ('' when
 * the flight was not a whole full handshake flight).
 */
export async function fullHandshake(c: ScriptedClient<WireConnection>, fields: Partial<ClientHello>, kx: KeyExchangeOptions = {}): Promise<{ flight: string; finish: string }> {
  c.hello(fields);
  const flight = (await expectServer(c, 'hs:14')).trace;
  if (!flight.endsWith('hs:14')) return { flight, finish: '' };
  c.keyExchange(kx);
  c.changeCipherSpec();
  c.finished();
  return { flight, finish: (await expectServer(c, 'hs:20')).trace };
}

/** A ClientHello offering a session the server resumes: ServerHello, CCS, Finished, then ours. Returns what answered the hello. */
export async function abbreviatedHandshake(c: ScriptedClient<WireConnection>, fields: Partial<ClientHello>): Promise<string> {
  c.hello(fields);
  const flight = (await expectServer(c, 'hs:20')).trace;
  if (c.resumed && flight.endsWith('hs:20')) {
    c.changeCipherSpec();
    c.finished();
  }
  return flight;
}

/**
 * The end of every sanity conversation: GET, ExpectApplicationData, close_notify, ExpectAlert (or
 * ExpectClose). Returns the trace from the GET on; the server runs --http, so its answer is the page
 * followed by its own close_notify.
 */
export async function getAndClose(c: ScriptedClient<WireConnection>, request: Uint8Array | null = GET): Promise<string> {
  let got = '';
  if (request) {
    c.appData(request);
    got = (await expectServer(c, 'alert:1/0')).trace;
  }
  c.alert(AlertLevel.warning, AlertDescription.close_notify);
  const rest = await expectServer(c, 'alert:1/0', { close: true });
  return [got, rest.trace, rest.closed ? 'close' : 'open'].filter((x) => x !== '').join(' ');
}

/** A u16-list extension body (supported_groups, signature_algorithms): vector<2> of u16. */
export function u16ListExtension(type: number, values: readonly number[]): { type: number; data: Uint8Array } {
  const data = new Uint8Array(2 + 2 * values.length);
  new DataView(data.buffer).setUint16(0, 2 * values.length);
  values.forEach((v, i) => new DataView(data.buffer).setUint16(2 + 2 * i, v));
  return { type, data };
}

/** tlslite's GroupName codes the scripts list (RFC 8422, RFC 7919); 511 is unassigned. */
export const GROUP = { secp256r1: 23, ffdhe2048: 256, ffdhe3072: 257, ffdhe4096: 258, ffdhe6144: 259, ffdhe8192: 260, unassigned511: 511 } as const;

/** tlsfuzzer's RSA_SIG_ALL as SignatureScheme codes (TLS 1.2 / 1.3 extensions a TLS 1.0 server ignores). */
const RSA_SIG_ALL = [0x0804, 0x0805, 0x0806, 0x0809, 0x080a, 0x080b, 0x0601, 0x0501, 0x0401, 0x0301, 0x0201];

/** What the `-d` variants add: supported_groups [secp256r1, ffdhe2048], signature_algorithms, signature_algorithms_cert. */
export function dheExtensions(): { type: number; data: Uint8Array }[] {
  return [u16ListExtension(EXT.supported_groups, [GROUP.secp256r1, GROUP.ffdhe2048]), u16ListExtension(13, RSA_SIG_ALL), u16ListExtension(50, RSA_SIG_ALL)];
}
