/**
 * connect() for undici: `new undici.Agent({ connect: connector({ ca }) })` makes fetch() run over
 * ut-tls. undici calls it as (options, callback) for every new connection and wants the socket once
 * it is ready (after the handshake for https:). ut-tls does not depend on undici: this is only the
 * function shape undici documents (buildConnector's), so any undici version with it works.
 */
import * as net from 'node:net';
import type { Socket } from 'node:net';
import type { SessionData } from '../engine/types.js';
import { TLSError } from '../errors.js';
import { connect } from '../socket/connect.js';
import type { ClientSocketOptions } from '../socket/options.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import { SessionCache } from './session-cache.js';
import { tlsOptionsKey } from './tls-key.js';

export interface ConnectorOptions extends Omit<ClientSocketOptions, 'host' | 'port' | 'socket' | 'session'> {
  /** TLS sessions kept for resumption, per host, port and servername (default 100; 0: none). */
  maxCachedSessions?: number;
  /** Milliseconds for TCP connect plus handshake (undici's connect.timeout; default 10000). */
  timeout?: number;
}

/** What undici passes (undici's Connector.Options). */
export interface ConnectorCallOptions {
  hostname: string;
  host?: string;
  protocol: string;
  port: string | number;
  servername?: string | null;
  localAddress?: string | null;
  httpSocket?: Socket;
}

/**
 * undici's callback shape (its CallbackArgs): the socket, or the error. A ut-tls TLSSocket is handed
 * over typed as net.Socket, which is what undici's types ask for; undici uses only the Duplex and
 * socket members a TLSSocket has.
 */
export type ConnectorCallback = (...args: [null, Socket] | [Error, null]) => void;

export type Connector = ((options: ConnectorCallOptions, callback: ConnectorCallback) => void) & { sessions: SessionCache };

export function connector(options: ConnectorOptions = {}): Connector {
  const { maxCachedSessions, timeout = 10_000, ...tlsOptions } = options;
  const sessions = new SessionCache(maxCachedSessions);
  const tlsKey = tlsOptionsKey(tlsOptions as Record<string, unknown>);
  const fn = (call: ConnectorCallOptions, callback: ConnectorCallback): void => {
    const https = call.protocol === 'https:';
    // URL hostnames keep IPv6 brackets; sockets want the bare address.
    const host = call.hostname.startsWith('[') ? call.hostname.slice(1, -1) : call.hostname;
    const port = Number(call.port) || (https ? 443 : 80);
    const tcpOptions: net.NetConnectOpts = call.localAddress ? { host, port, localAddress: call.localAddress } : { host, port };
    if (!https) {
      // Plain http: through the same undici Agent (undici's own connector does this too).
      const raw = net.connect(tcpOptions);
      settle(raw, 'connect', callback, timeout);
      return;
    }
    // undici's servername: the Host header's name, or null for an IP literal (no SNI then).
    const servername = call.servername ?? tlsOptions.servername ?? (net.isIP(host) ? '' : host);
    const key = `${host}:${port}:${servername}:${tlsKey}`;
    const session = sessions.get(key);
    let socket: TLSSocket;
    const raw = call.httpSocket ?? net.connect(tcpOptions);
    try {
      socket = connect({ ...tlsOptions, host, port, servername, socket: raw, ...(session ? { session } : {}) });
    } catch (err) {
      if (!call.httpSocket) raw.destroy();
      callback(err as Error, null);
      return;
    }
    socket.on('session', (s: SessionData) => sessions.set(key, s));
    // A fatal TLS error voids the session (RFC 2246 7.2); undici closing a socket with its own error does not.
    socket.once('error', (err) => {
      if (err instanceof TLSError) sessions.delete(key);
    });
    settle(socket, 'secureConnect', callback, timeout);
  };
  return Object.assign(fn, { sessions });
}

/** Calls back once: the socket when `ready` fires, or the error (or a timeout) that came first. */
function settle(socket: Socket | TLSSocket, ready: 'connect' | 'secureConnect', callback: ConnectorCallback, timeout: number): void {
  // As a plain emitter: TLSSocket's typed on/off and net.Socket's do not form one callable union.
  const events: NodeJS.EventEmitter = socket;
  let done = false;
  const finish = (err: Error | null) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    events.off(ready, onReady);
    events.off('error', onError);
    if (err) {
      socket.destroy();
      callback(err, null);
    } else {
      callback(null, socket as Socket);
    }
  };
  const onReady = () => finish(null);
  const onError = (err: Error) => finish(err);
  const timer = timeout > 0 ? setTimeout(() => finish(Object.assign(new Error(`connect timeout after ${timeout} ms`), { code: 'UND_ERR_CONNECT_TIMEOUT' })), timeout) : undefined;
  timer?.unref();
  events.once(ready, onReady);
  events.once('error', onError);
}
