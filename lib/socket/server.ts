/**
 * Server: the AP side, a net.Server whose connections are TLSSockets, shaped like node:tls Server.
 * The key and certificate chain are parsed once, here, and shared by every connection.
 *
 * Session hooks in node:tls style: with 'newSession' / 'resumeSession' listeners the server keeps
 * its sessions wherever the application does (serialised with session/codec.ts), see docs/sessions.md.
 */
import * as net from 'node:net';
import { Connection } from '../engine/connection.js';
import type { SessionData, SessionStore } from '../engine/types.js';
import { decodeSession, encodeSession } from '../session/codec.js';
import { MemorySessionStore } from '../session/memory-store.js';
import { bytesEqual } from '../util/bytes.js';
import { checkTicketKeys, resolveServerContext, type ServerContext, type ServerSocketOptions } from './options.js';
import { resolveProvider } from '../crypto/select.js';
import { TicketKeys } from '../session/tickets.js';
import { TLSSocket } from './tls-socket.js';
import type { ServerContext as EngineContext } from '../engine/server-context.js';
import type { ContextInput, SecureContext } from './secure-context.js';
import { namedContext } from './virtual-hosts.js';
import { keylogTarget } from './keylog-file.js';
import { checkKnownOptions } from './known-options.js';
import { TLSError } from '../errors.js';
import type { ServerEvents } from './events.js';

/** Default bound on handshakes in progress per Server (docs/bounds.md). */
export const DEFAULT_MAX_PENDING_HANDSHAKES = 1024;

export type ServerOptions = ServerSocketOptions &
  Pick<net.ServerOpts, 'pauseOnConnect' | 'noDelay' | 'keepAlive'> & {
    /** A createSecureContext() result giving key and cert (a node:tls SecureContext is refused). */
    secureContext?: SecureContext;
  };

/**
 * Typed events (socket/events.ts): an unknown event name does not compile; known ones give their
 * listener's parameter types (the second overload takes any listener for a known name).
 */
export interface Server {
  on<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  on(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  once<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  once(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  addListener<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  addListener(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  prependListener<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  prependListener(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  prependOnceListener<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  prependOnceListener(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  off<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  off(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
  removeListener<E extends keyof ServerEvents>(event: E, listener: ServerEvents[E]): this;
  removeListener(event: keyof ServerEvents, listener: (...args: any[]) => void): this;
}

export class Server extends net.Server {
  private context: ServerContext;
  private readonly store: SessionStore;
  /** RFC 5077: one set of ticket keys for the Server's life (setSecureContext keeps it). */
  private readonly tickets: TicketKeys;
  private options: ServerOptions;
  /** The engine's `contexts`, shared by every connection: addContext() entries first (latest wins, as node:tls). */
  private readonly vhosts: EngineContext[];
  /** Per-connection options: the key-log file and the trace (socket/keylog-file.ts, enableTrace()). */
  private readonly perConnection: Pick<ServerOptions, 'keylogFile' | 'enableTrace'>;
  /** Connections accepted whose handshake has not finished (bounded by maxPendingHandshakes). */
  private pendingHandshakes = 0;
  /** The number of handshakes in progress. */
  get pendingHandshakeCount(): number {
    return this.pendingHandshakes;
  }

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    const { pauseOnConnect, noDelay, keepAlive } = options;
    super({ pauseOnConnect, noDelay, keepAlive, allowHalfOpen: false });
    checkKnownOptions(options, 'server');
    this.options = { ...options };
    const ctx = resolveServerContext(options);
    keylogTarget(options.keylogFile); // a bad keylogFile is refused here, not per connection
    this.perConnection = { keylogFile: options.keylogFile, enableTrace: options.enableTrace };
    // One session cache for all connections of this server (resumption across connections),
    // reached through the application's hooks when it listens for them.
    this.store = ctx.engine.sessionStore ?? new MemorySessionStore({ now: ctx.now });
    this.vhosts = [...(ctx.engine.contexts ?? [])];
    this.tickets = ctx.engine.ticketKeys ?? new TicketKeys({ random: (ctx.engine.provider ?? resolveProvider('auto')).random, now: ctx.now });
    this.context = this.withServerParts(ctx);
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: net.Socket) => this.accept(raw));
  }

  /** The resolved options plus what belongs to this Server: its session store hooks and virtual hosts. */
  private withServerParts(ctx: ServerContext): ServerContext {
    const context = {
      ...ctx,
      engine: { ...ctx.engine, contexts: this.vhosts, sessionStore: new HookedSessionStore(this, this.store), ticketKeys: this.tickets },
    };
    // A dry run of the engine's own checks (suite policy, key, sessionTimeout), so a bad
    // configuration throws here rather than failing every connection later.
    new Connection(context.engine, { output() {}, handshakeComplete() {}, data() {}, peerClosed() {}, error() {} });
    return context;
  }

  /**
   * node:tls addContext: serve `context` ({ key, cert } PEM/DER, a createSecureContext() result, or
   * the engine form) to clients asking for `hostname` ("*.example.org" matches one left-most label).
   * Checked now; a later call for the same name wins.
   */
  addContext(hostname: string, context: ContextInput): void {
    this.vhosts.unshift(namedContext(hostname, context, this.context.keyExchanges));
  }

  /**
   * node:tls setSecureContext: new key, cert (and any other option) for connections accepted from now
   * on; established connections keep theirs. Checked like the constructor's options; on error nothing changes.
   */
  setSecureContext(options: Omit<ServerOptions, 'contexts'>): void {
    checkKnownOptions(options, 'server');
    const merged: ServerOptions = { ...this.options, contexts: undefined, ...options };
    if (options.secureContext !== undefined && options.key === undefined && options.cert === undefined) {
      delete merged.key;
      delete merged.cert;
    }
    const ctx = resolveServerContext(merged);
    this.context = this.withServerParts(ctx);
    if (options.ticketKeys !== undefined) this.tickets.set(options.ticketKeys);
    this.options = { ...merged, contexts: this.options.contexts };
  }

  private accept(raw: net.Socket): void {
    const max = this.options.maxPendingHandshakes ?? DEFAULT_MAX_PENDING_HANDSHAKES;
    if (this.pendingHandshakes >= max) {
      // Refused, not queued: a queue would be one more buffer a flood fills, and a closed
      // connection tells the client at once (it may retry) instead of after its own timeout.
      raw.destroy();
      this.emit('tlsClientError', new TLSError('ERR_TLS_TOO_MANY_PENDING_HANDSHAKES', `maxPendingHandshakes: ${max} handshakes already in progress; connection closed`), undefined);
      return;
    }
    let socket: TLSSocket;
    try {
      socket = new TLSSocket(raw, { isServer: true, secureContext: this.context, ...this.perConnection });
    } catch (err) {
      // Cannot happen with a resolved context, but a throw here must not take the server down.
      raw.destroy();
      this.emit('tlsClientError', err, undefined);
      return;
    }
    // Until the handshake completes, failures belong to the server ('tlsClientError', as node:tls);
    // afterwards they are the application's, on the socket.
    const onError = (err: Error) => this.emit('tlsClientError', err, socket);
    socket.on('error', onError);
    this.pendingHandshakes++;
    let counted = true;
    const handshakeOver = () => {
      if (counted) this.pendingHandshakes--;
      counted = false;
    };
    socket.once('secure', handshakeOver);
    socket.once('close', handshakeOver);
    socket.on('keylog', (line: Buffer) => this.emit('keylog', line, socket));
    socket.once('secure', () => {
      socket.off('error', onError);
      // node:tls's rule: an error (e.g. ECONNRESET) that the application does not listen for is
      // reported ('tlsClientError') and the socket destroyed (it already is), never thrown.
      socket.on('error', (err: Error) => {
        if (socket.listenerCount('error') === 1) this.emit('tlsClientError', err, socket);
      });
      this.emit('secureConnection', socket);
    });
  }

  /** node:tls getTicketKeys: the 48 bytes that seal new tickets (key name, HMAC key, AES key). */
  getTicketKeys(): Buffer {
    return Buffer.from(this.tickets.get());
  }

  /**
   * node:tls setTicketKeys: seal new tickets with these 48 bytes from now on. Tickets sealed with the
   * two keys before still resume (session/tickets.ts), so a farm can roll keys without a wave of full handshakes.
   */
  setTicketKeys(keys: Buffer | Uint8Array): void {
    this.tickets.set(checkTicketKeys(keys));
  }

  /**
   * The session store (the default MemorySessionStore unless options.sessionStore was given). It is
   * bypassed for each operation the application hooks: 'newSession' replaces set, 'resumeSession' get.
   */
  get sessionStore(): SessionStore {
    return this.store;
  }
}

/** node:tls 'newSession' callback: call it once the session is stored. */
export type NewSessionCallback = (err?: Error | null) => void;
/** node:tls 'resumeSession' callback: the stored bytes, or null when unknown (a full handshake follows). */
export type ResumeSessionCallback = (err: Error | null | undefined, sessionData?: Buffer | Uint8Array | null) => void;

/**
 * The engine's SessionStore over the Server's events, falling back to the plain store for each
 * operation nobody listens to (listeners are looked up per call, so they may be added at any time):
 *   set    -> 'newSession' (sessionId, sessionData, callback); the connection's records wait for callback
 *   get    -> 'resumeSession' (sessionId, callback(err, sessionData | null)); an err fails the handshake
 *   delete -> 'removeSession' (sessionId) (ut-tls addition: RFC 2246 7.2, a fatal alert voids the session)
 */
class HookedSessionStore implements SessionStore {
  constructor(
    private readonly server: Server,
    private readonly fallback: SessionStore,
  ) {}

  get(id: Uint8Array): SessionData | undefined | Promise<SessionData | undefined> {
    if (this.server.listenerCount('resumeSession') === 0) return this.fallback.get(id);
    return new Promise((resolve, reject) => {
      let called = false;
      const callback: ResumeSessionCallback = (err, data) => {
        if (called) return; // node:tls would destroy the socket; here a second answer is just ignored
        called = true;
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        resolve(data ? fromStore(id, data) : undefined);
      };
      this.server.emit('resumeSession', Buffer.from(id), callback);
    });
  }

  set(session: SessionData): void | Promise<void> {
    if (this.server.listenerCount('newSession') === 0) return this.fallback.set(session);
    return new Promise((resolve, reject) => {
      let called = false;
      const callback: NewSessionCallback = (err) => {
        if (called) return;
        called = true;
        if (err) reject(err);
        else resolve();
      };
      this.server.emit('newSession', Buffer.from(session.id), Buffer.from(encodeSession(session)), callback);
    });
  }

  delete(id: Uint8Array): void | Promise<void> {
    if (this.server.listenerCount('newSession') === 0) return this.fallback.delete(id);
    this.server.emit('removeSession', Buffer.from(id));
  }
}

/**
 * Bytes from the application's store: a session for this id, or undefined (a full handshake) when
 * they do not decode or belong to another id, as node:tls ignores a session OpenSSL cannot load.
 */
function fromStore(id: Uint8Array, data: Uint8Array): SessionData | undefined {
  try {
    const session = decodeSession(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return bytesEqual(session.id, id) ? session : undefined;
  } catch {
    return undefined;
  }
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server {
  return new Server(options, secureConnectionListener);
}
