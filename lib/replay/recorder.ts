/**
 * The runtime-neutral half of the recorder: a Connection configured from a transcript's `utTls` block,
 * with every record both ways and every application action written down in the order ut-tls saw them.
 * The transport (a socket, an in-memory peer) is the caller's: it hands peer bytes to `peerBytes` and
 * sends what `transport` is given.
 *
 * Peer bytes are fed to the engine one whole record at a time, and the application acts only between
 * two records (never inside an engine callback): exactly what the replayer does, so the recording and
 * the replay drive the engine through the same sequence of calls.
 */
import { Connection } from '../engine/connection.js';
import type { SessionData, SessionStore } from '../engine/types.js';
import { TLSAlertError, type TLSError } from '../errors.js';
import { concatBytes, toHex } from '../util/bytes.js';
import { engineOptionsFor, suiteNameOf, type KeyFiles } from './config.js';
import { summarizeRecord } from './fields.js';
import { TRANSCRIPT_FORMAT, TRANSCRIPT_VERSION, type AlertOutcome, type Outcome, type PeerInfo, type Transcript, type TranscriptEntry, type UtTlsConfig } from './format.js';
import { RecordSplitter, recordTypeName } from './records.js';

/** What ut-tls's application does during a recorded session. */
export type AppScript =
  /** Client: once the handshake is done, write `message`; once as many bytes came back, close(). */
  | { kind: 'send-then-close'; message: Uint8Array }
  /** Server: write back whatever arrives (like gnutls-serv --echo). */
  | { kind: 'echo' }
  /** Nothing (handshake-only sessions, refused handshakes). */
  | { kind: 'none' };

/** "TS 33.141 7.2(a)" from "TS 33.141 7.2(a): client offered only anonymous suites". */
export function ruleOf(reason: string): string | undefined {
  const m = /^((?:TS|RFC|WAP)[^:]*?):/.exec(reason);
  return m ? m[1] : undefined;
}

export function alertOutcome(err: TLSError, utTls: 'ut-tls', peer: 'peer'): AlertOutcome | undefined {
  if (!(err instanceof TLSAlertError)) return undefined;
  const rule = err.sent ? ruleOf(err.reason) : undefined;
  return {
    description: err.alert,
    name: err.alertName,
    sentBy: err.sent ? utTls : peer,
    ...(rule ? { rule } : {}),
    ...(err.sent ? { reason: err.reason } : {}),
  };
}

export interface RecordingOptions {
  config: UtTlsConfig;
  keys: KeyFiles;
  script: AppScript;
  /** Sends ut-tls's bytes to the peer. */
  transport: (bytes: Uint8Array) => void;
  /** Server role: a store shared by the connections of a resumption pair. */
  sessionStore?: SessionStore;
}

export class RecordingSession {
  readonly entries: TranscriptEntry[] = [];
  readonly conn: Connection;
  readonly config: UtTlsConfig;
  complete = false;
  peerClosed = false;
  error: TLSError | null = null;
  session: SessionData | null = null;
  masterSecret: string | null = null;
  private readonly received: Uint8Array[] = [];
  private readonly written: Uint8Array[] = [];
  private pendingEcho: Uint8Array[] = [];
  private closeCalled = false;
  private readonly script: AppScript;
  private readonly transport: (bytes: Uint8Array) => void;
  private readonly ownSplitter = new RecordSplitter(false);
  private readonly peerSplitter: RecordSplitter;
  private ownEncrypted = false;
  private peerEncrypted = false;

  constructor(options: RecordingOptions) {
    this.config = options.config;
    this.script = options.script;
    this.transport = options.transport;
    this.peerSplitter = new RecordSplitter(options.config.role === 'server');
    const built = engineOptionsFor(options.config, options.keys, options.sessionStore ? { sessionStore: options.sessionStore } : {});
    this.conn = new Connection(built.options, {
      output: (bytes) => this.onOutput(bytes),
      handshakeComplete: () => {
        this.complete = true;
      },
      data: (bytes) => {
        this.received.push(bytes.slice());
        if (this.script.kind === 'echo') this.pendingEcho.push(bytes.slice());
      },
      peerClosed: () => {
        this.peerClosed = true;
      },
      warning: () => undefined,
      error: (err) => {
        this.error = err;
      },
      session: (s) => {
        this.session = s;
      },
      keylog: (line) => {
        this.masterSecret = line.split(' ')[2] ?? null;
      },
    });
  }

  /** Client role: sends the ClientHello. Server role: nothing until the peer speaks. */
  start(): void {
    this.conn.start();
    this.afterInput();
  }

  /** Bytes from the peer, in arrival order; whole records go to the engine one at a time. */
  peerBytes(chunk: Uint8Array): void {
    for (const record of this.peerSplitter.push(chunk)) {
      if (this.conn.closed) return; // the engine ignores everything after its end; so does the transcript
      this.entries.push({ from: 'peer', type: recordTypeName(record), summary: summarizeRecord(record, this.peerEncrypted), hex: toHex(record) });
      if (record[0] === 20 && !this.peerEncrypted) this.peerEncrypted = true;
      this.conn.receive(record);
      this.afterInput();
    }
  }

  /** True once the engine is closed or failed: nothing more will be recorded. */
  get finished(): boolean {
    return this.conn.closed;
  }

  /** Bytes ut-tls's application has written so far. */
  get bytesWritten(): number {
    return this.written.reduce((n, b) => n + b.length, 0);
  }

  get bytesReceived(): number {
    return this.received.reduce((n, b) => n + b.length, 0);
  }

  /** The application's turn: runs between two records, never inside an engine callback. */
  private afterInput(): void {
    if (this.conn.closed || !this.complete) return;
    const script = this.script;
    if (script.kind === 'send-then-close') {
      if (this.written.length === 0) this.write(script.message);
      if (!this.closeCalled && this.bytesReceived >= script.message.length) {
        this.closeCalled = true;
        this.entries.push({ action: 'close' });
        this.conn.close();
      }
    } else if (script.kind === 'echo' && this.pendingEcho.length > 0) {
      const data = concatBytes(...this.pendingEcho);
      this.pendingEcho = [];
      this.write(data);
    }
  }

  private write(data: Uint8Array): void {
    this.written.push(data.slice());
    this.entries.push({ action: 'write', hex: toHex(data) });
    this.conn.write(data);
  }

  private onOutput(bytes: Uint8Array): void {
    for (const record of this.ownSplitter.push(bytes)) {
      this.entries.push({ from: 'ut-tls', type: recordTypeName(record), summary: summarizeRecord(record, this.ownEncrypted), hex: toHex(record) });
      if (record[0] === 20 && !this.ownEncrypted) this.ownEncrypted = true;
    }
    this.transport(bytes);
  }

  /** What happened, in the transcript's terms. */
  outcome(): Outcome {
    return observedOutcome(this.config.role, this.conn, {
      complete: this.complete,
      peerClosed: this.peerClosed,
      closeCalled: this.closeCalled,
      error: this.error,
      masterSecret: this.masterSecret,
      received: this.received,
      written: this.written,
    });
  }

  transcript(meta: { name: string; description: string; peer: PeerInfo; synthetic?: boolean; recorded?: string }): Transcript {
    return {
      format: TRANSCRIPT_FORMAT,
      version: TRANSCRIPT_VERSION,
      name: meta.name,
      description: meta.description,
      ...(meta.synthetic ? { synthetic: true } : {}),
      ...(meta.recorded ? { recorded: meta.recorded } : {}),
      peer: meta.peer,
      utTls: this.config,
      records: this.entries,
      expected: this.outcome(),
    };
  }
}

export { suiteNameOf };

/** What a connection did, as both the recorder and the replayer observe it. */
export interface Observed {
  complete: boolean;
  peerClosed: boolean;
  closeCalled: boolean;
  error: TLSError | null;
  masterSecret: string | null;
  received: Uint8Array[];
  written: Uint8Array[];
}

/** The transcript's outcome for what was observed. */
export function observedOutcome(role: 'client' | 'server', conn: Connection, o: Observed): Outcome {
  const sent = toHex(concatBytes(...o.written));
  const got = toHex(concatBytes(...o.received));
  const out: Outcome = {
    handshake: o.complete ? 'complete' : 'failed',
    applicationData: role === 'client' ? { clientToServer: sent, serverToClient: got } : { clientToServer: got, serverToClient: sent },
  };
  if (o.complete) {
    out.protocol = 'TLSv1';
    out.resumed = conn.resumed;
    if (conn.session && conn.session.id.length > 0) out.sessionId = toHex(conn.session.id);
  }
  // The suite and the master secret are known once negotiated, even if the handshake fails later.
  if (conn.cipherSuite) out.cipherSuite = conn.cipherSuite.name;
  if (o.masterSecret) out.masterSecret = o.masterSecret;
  if (o.error) {
    const alert = alertOutcome(o.error, 'ut-tls', 'peer');
    if (alert) out.alert = alert;
  }
  const utTlsClosed = o.closeCalled || o.peerClosed;
  out.closeNotify = role === 'client' ? { client: utTlsClosed, server: o.peerClosed } : { client: o.peerClosed, server: utTlsClosed };
  return out;
}
