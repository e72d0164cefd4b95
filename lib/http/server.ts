/**
 * The AP's HTTPS server: an http.Server whose connections are ut-tls TLSSockets, wired the way
 * node:https wires node:tls (lib/https.js): the raw TCP socket is the 'connection' event, the TLS
 * handshake runs on it, and node:http's own connection listener takes the TLSSocket on
 * 'secureConnection'. Because this object is the http.Server that listens, node:http's connection
 * tracking starts on its 'listening' (headersTimeout, requestTimeout, closeIdleConnections() ...),
 * and its 400/408/431 answers go out over TLS (they need TLSSocket#bytesWritten and writable).
 */
import type { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type * as net from 'node:net';
import { Server as TLSServer, type ServerOptions as TLSServerOptions } from '../socket/server.js';
import type { SessionStore } from '../engine/types.js';
import type { TLSSocket } from '../socket/tls-socket.js';

/** node:http's server options (read by http.Server itself, never by the TLS layer). */
const HTTP_OPTIONS = [
  'IncomingMessage',
  'ServerResponse',
  'requestTimeout',
  'headersTimeout',
  'keepAliveTimeout',
  'connectionsCheckingInterval',
  'maxHeaderSize',
  'insecureHTTPParser',
  'joinDuplicateHeaders',
  'requireHostHeader',
  'uniqueHeaders',
  'noDelay',
  'keepAlive',
  'keepAliveInitialDelay',
  'highWaterMark',
  'rejectNonStandardBodyWrites',
] as const;

/** Every ut-tls server option (docs/api.md) plus node:http's server options, as https.createServer takes. */
export type ServerOptions = Omit<TLSServerOptions, 'pauseOnConnect' | 'noDelay' | 'keepAlive'> & http.ServerOptions;

export type RequestListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Session events the application may listen to on this server (ut-tls Server semantics, docs/sessions.md). */
const FORWARDED_EVENTS = new Set<string | symbol>(['newSession', 'resumeSession', 'removeSession', 'keylog']);

/**
 * The TLS side: a ut-tls Server that never listens. Raw sockets are handed to it with
 * emit('connection'); its session hooks are the outer server's listeners, so
 * `server.on('resumeSession', ...)` works on the HTTPS server as on node:https.
 */
class TLSAcceptor extends TLSServer {
  outer: Server | undefined;
  override listenerCount(name: string | symbol, listener?: (...args: any[]) => void): number {
    if (this.outer && FORWARDED_EVENTS.has(name)) return this.outer.listenerCount(name);
    return super.listenerCount(name, listener);
  }
  override emit(name: string | symbol, ...args: unknown[]): boolean {
    if (this.outer && FORWARDED_EVENTS.has(name)) return (this.outer as EventEmitter).emit(name, ...args);
    return super.emit(name, ...args);
  }
}

export class Server extends http.Server {
  private readonly tls: TLSAcceptor;

  constructor(options: ServerOptions, requestListener?: RequestListener) {
    if (options === null || typeof options !== 'object') throw new TypeError('createServer: options (key, cert, ...) are required');
    super(options, requestListener);
    const tlsOptions: Record<string, unknown> = { ...options };
    for (const k of HTTP_OPTIONS) delete tlsOptions[k];
    this.tls = new TLSAcceptor(tlsOptions as TLSServerOptions);
    this.tls.outer = this;

    // http.Server registered its parser on 'connection'; as in node:https it belongs on
    // 'secureConnection', with the TLSSocket. The 'connection' event keeps the raw TCP socket.
    const httpConnectionListener = this.listeners('connection').at(-1) as (socket: TLSSocket) => void;
    this.removeListener('connection', httpConnectionListener);
    this.on('connection', (raw: net.Socket) => this.tls.emit('connection', raw));
    this.tls.on('secureConnection', (socket: TLSSocket) => {
      httpConnectionListener.call(this, socket);
      this.emit('secureConnection', socket);
    });
    this.tls.on('tlsClientError', (err: Error, socket: TLSSocket | undefined) => this.emit('tlsClientError', err, socket));
    // node:https: a failed handshake is a 'clientError' when someone listens, else the socket goes.
    this.on('tlsClientError', (err: Error, socket: TLSSocket | undefined) => {
      if (!this.emit('clientError', err, socket)) socket?.destroy(err);
    });
  }

  /** The TLS session store (see ut-tls Server#sessionStore). */
  get sessionStore(): SessionStore {
    return this.tls.sessionStore;
  }
}

export function createServer(options: ServerOptions, requestListener?: RequestListener): Server {
  return new Server(options, requestListener);
}
