/**
 * Server: the AP side, a net.Server whose connections are TLSSockets, shaped like node:tls Server.
 * The key and certificate chain are parsed once, here, and shared by every connection.
 */
import * as net from 'node:net';
import { Connection } from '../engine/connection.js';
import type { SessionStore } from '../engine/types.js';
import { MemorySessionStore } from '../session/memory-store.js';
import { resolveServerContext, type ServerContext, type ServerSocketOptions } from './options.js';
import { TLSSocket } from './tls-socket.js';

export type ServerOptions = ServerSocketOptions & Pick<net.ServerOpts, 'pauseOnConnect' | 'noDelay' | 'keepAlive'>;

export class Server extends net.Server {
  private readonly context: ServerContext;

  constructor(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void) {
    const { pauseOnConnect, noDelay, keepAlive } = options;
    super({ pauseOnConnect, noDelay, keepAlive, allowHalfOpen: false });
    const ctx = resolveServerContext(options);
    // One session cache for all connections of this server (resumption across connections).
    const sessionStore = ctx.engine.sessionStore ?? new MemorySessionStore({ now: ctx.now });
    this.context = { ...ctx, engine: { ...ctx.engine, sessionStore } };
    // A dry run of the engine's own checks (suite policy, key, sessionTimeout), so a bad
    // configuration throws here rather than failing every connection later.
    new Connection(this.context.engine, { output() {}, handshakeComplete() {}, data() {}, peerClosed() {}, error() {} });
    if (secureConnectionListener) this.on('secureConnection', secureConnectionListener);
    this.on('connection', (raw: net.Socket) => this.accept(raw));
  }

  private accept(raw: net.Socket): void {
    let socket: TLSSocket;
    try {
      socket = new TLSSocket(raw, { isServer: true, secureContext: this.context });
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
    socket.on('keylog', (line: Buffer) => this.emit('keylog', line, socket));
    socket.once('secure', () => {
      socket.off('error', onError);
      this.emit('secureConnection', socket);
    });
  }

  /** The session store in use (the default MemorySessionStore unless options.sessionStore was given). */
  get sessionStore(): SessionStore {
    return this.context.engine.sessionStore!;
  }
}

export function createServer(options: ServerOptions, secureConnectionListener?: (socket: TLSSocket) => void): Server {
  return new Server(options, secureConnectionListener);
}
