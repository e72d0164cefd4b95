/**
 * The UE's HTTPS agent: https.Agent's shape (an http.Agent whose sockets are ut-tls TLSSockets),
 * with keep-alive and maxSockets from http.Agent and a TLS session cache keyed by host, port,
 * servername and the TLS options (getName), so a session of one virtual host is never offered to
 * another. Every ut-tls client option is accepted as an agent default and per request.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { URL, urlToHttpOptions } from 'node:url';
import type { SessionData } from '../engine/types.js';
import { TLSError } from '../errors.js';
import { connect } from '../socket/connect.js';
import { pickKnownOptions } from '../socket/known-options.js';
import type { ClientSocketOptions } from '../socket/options.js';
import type { TLSSocket } from '../socket/tls-socket.js';
import { DEFAULT_MAX_CACHED_SESSIONS, SessionCache } from './session-cache.js';
import { tlsOptionsKey } from './tls-key.js';

export interface AgentOptions extends http.AgentOptions, Omit<ClientSocketOptions, 'host' | 'port' | 'socket' | 'session'> {
  /** TLS sessions kept for resumption (https.Agent's option; default 100, 0 turns the cache off). */
  maxCachedSessions?: number;
}

/** What http.request hands createConnection: the request's options merged with the agent's. */
type ConnectionOptions = http.ClientRequestArgs & ClientSocketOptions & { _agentKey?: string; timeout?: number };

/** net.connect options worth passing on (the TCP part of a request's options). */
const TCP_OPTIONS = ['localAddress', 'localPort', 'family', 'lookup', 'hints', 'autoSelectFamily', 'autoSelectFamilyAttemptTimeout', 'noDelay', 'keepAlive', 'keepAliveInitialDelay'] as const;

export class Agent extends http.Agent {
  // http.Agent says 80 and 'http:'; ClientRequest checks a request's protocol against the agent's.
  defaultPort = 443;
  protocol = 'https:';
  readonly maxCachedSessions: number;
  /** The TLS session cache; keys are getName() values. */
  readonly sessions: SessionCache;

  constructor(options: AgentOptions = {}) {
    super(options);
    this.maxCachedSessions = options.maxCachedSessions ?? DEFAULT_MAX_CACHED_SESSIONS;
    this.sessions = new SessionCache(this.maxCachedSessions);
  }

  /** http.Agent's host:port:localAddress:family, then the TLS options that matter (as https.Agent). */
  override getName(options: http.ClientRequestArgs = {}): string {
    return `${super.getName(options)}:${tlsOptionsKey(options as Record<string, unknown>)}`;
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): Duplex {
    const o = { ...options } as ConnectionOptions;
    const key = o._agentKey;
    const session = key !== undefined ? this.sessions.get(key) : undefined;
    const host = o.host ?? o.hostname ?? 'localhost';
    const port = Number(o.port ?? this.defaultPort);
    const tcp: Record<string, unknown> = { host, port };
    for (const k of TCP_OPTIONS) if ((o as Record<string, unknown>)[k] !== undefined) tcp[k] = (o as Record<string, unknown>)[k];
    const raw = net.connect(tcp as unknown as net.NetConnectOpts);
    let socket: TLSSocket;
    try {
      // A request's options mix node:http's (method, headers, agent, ...) with the TLS ones: only the latter go on.
      const tls = pickKnownOptions(o as ClientSocketOptions, 'client');
      socket = connect({ ...tls, host, port, socket: raw, ...(session ? { session } : {}) });
    } catch (err) {
      raw.destroy();
      throw err; // a configuration error (TLSConfigError), thrown by http.request as node:https does
    }
    if (o.timeout) socket.setTimeout(o.timeout);
    if (key !== undefined) {
      socket.on('session', (s: SessionData) => this.sessions.set(key, s));
      // A failed connection voids the session (RFC 2246 7.2: a fatal alert invalidates it).
      socket.once('error', (err) => {
        if (err instanceof TLSError) this.sessions.delete(key);
      });
    }
    void callback; // the socket is returned, so http.Agent does not wait for the callback
    return socket;
  }
}

/** The agent request() and get() use by default (as https.globalAgent, keep-alive on as in Node 20). */
export const globalAgent = new Agent({ keepAlive: true, timeout: 5000 });

export type RequestOptions = http.RequestOptions & Omit<ClientSocketOptions, 'host' | 'port' | 'socket' | 'timeout'> & { agent?: http.Agent | boolean };
type ResponseCallback = (res: http.IncomingMessage) => void;

function normalize(args: unknown[]): [RequestOptions, ResponseCallback | undefined] {
  let options: Record<string, unknown> = {};
  const first = args[0];
  if (typeof first === 'string') options = { ...urlToHttpOptions(new URL(first)) };
  else if (first instanceof URL) options = { ...urlToHttpOptions(first) };
  if (typeof first === 'string' || first instanceof URL) args = args.slice(1);
  if (args[0] && typeof args[0] !== 'function') Object.assign(options, args[0]), (args = args.slice(1));
  // ClientRequest picks this agent when none is given (and `agent: false` makes a fresh one of its class).
  options['_defaultAgent'] = globalAgent;
  return [options as RequestOptions, args[0] as ResponseCallback | undefined];
}

/** https.request over ut-tls: request(url[, options][, callback]) or request(options[, callback]). */
export function request(url: string | URL, options?: RequestOptions, callback?: ResponseCallback): http.ClientRequest;
export function request(url: string | URL, callback?: ResponseCallback): http.ClientRequest;
export function request(options: RequestOptions, callback?: ResponseCallback): http.ClientRequest;
export function request(...args: unknown[]): http.ClientRequest {
  const [options, callback] = normalize(args);
  return new http.ClientRequest(options as http.ClientRequestArgs, callback);
}

/** https.get over ut-tls: request() with GET, ended at once. */
export function get(url: string | URL, options?: RequestOptions, callback?: ResponseCallback): http.ClientRequest;
export function get(url: string | URL, callback?: ResponseCallback): http.ClientRequest;
export function get(options: RequestOptions, callback?: ResponseCallback): http.ClientRequest;
export function get(...args: unknown[]): http.ClientRequest {
  const req = (request as (...a: unknown[]) => http.ClientRequest)(...args);
  req.end();
  return req;
}
