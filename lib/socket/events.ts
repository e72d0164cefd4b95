/**
 * The events of TLSSocket and Server with their listener types, so `socket.on('secureConnect', …)`
 * is checked and a misspelt name (`'secureConect'`) does not compile (test/parity/typed-events).
 * node:tls's own typings keep a catch-all `(event: string, …)` overload; these do not, on purpose.
 * Each list includes what the base class (stream.Duplex / net.Server) emits. Listeners are declared as
 * methods, so their parameters compare bivariantly (a `(err: TLSError) => void` listener is accepted).
 */
import type { Readable } from 'node:stream';
import type { Socket } from 'node:net';
import type { SessionData } from '../session/types.js';
import type { TLSSocket } from './tls-socket.js';
import type { NewSessionCallback, ResumeSessionCallback } from './server.js';

export interface TLSSocketEvents {
  /** Client: the handshake completed (after verification). */
  secureConnect(): void;
  /** Either role: the handshake completed. */
  secure(): void;
  /** Client: a new resumable session (pass it back as `session` / setSession()). */
  session(session: SessionData): void;
  /** An NSS key-log line (CLIENT_RANDOM …\n). */
  keylog(line: Buffer): void;
  /** An RFC 5746 renegotiation completed. */
  renegotiated(): void;
  /** The peer sent a warning alert other than close_notify. */
  warningAlert(description: number, name: string): void;
  /** From a net.Socket transport. */
  connect(): void;
  timeout(): void;
  // stream.Duplex
  close(): void;
  data(chunk: Buffer): void;
  drain(): void;
  end(): void;
  error(err: Error): void;
  finish(): void;
  pause(): void;
  pipe(src: Readable): void;
  readable(): void;
  resume(): void;
  unpipe(src: Readable): void;
}

export interface ServerEvents {
  secureConnection(socket: TLSSocket): void;
  /** A connection that failed before its handshake completed (socket undefined when refused at accept). */
  tlsClientError(err: Error, socket: TLSSocket | undefined): void;
  newSession(sessionId: Buffer, sessionData: Buffer, callback: NewSessionCallback): void;
  resumeSession(sessionId: Buffer, callback: ResumeSessionCallback): void;
  removeSession(sessionId: Buffer): void;
  keylog(line: Buffer, socket: TLSSocket): void;
  // net.Server
  close(): void;
  connection(socket: Socket): void;
  error(err: Error): void;
  listening(): void;
  drop(data?: unknown): void;
}
