/**
 * connect(): the UE side, shaped like node:tls connect(). Opens a TCP connection unless the caller
 * brings its own transport (options.socket), and starts the handshake at once.
 */
import * as net from 'node:net';
import type { ClientSocketOptions } from './options.js';
import { resolveClientContext } from './options.js';
import { TLSSocket } from './tls-socket.js';
import type { SecureContext } from './secure-context.js';
import { checkKnownOptions } from './known-options.js';

export type ConnectOptions = ClientSocketOptions & {
  /** A createSecureContext() result giving the client's key and cert (a node:tls SecureContext is refused). */
  secureContext?: SecureContext;
};

export function connect(options: ConnectOptions, secureConnectListener?: () => void): TLSSocket;
export function connect(port: number, host?: string, options?: ConnectOptions, secureConnectListener?: () => void): TLSSocket;
export function connect(port: number, options?: ConnectOptions, secureConnectListener?: () => void): TLSSocket;
export function connect(...args: unknown[]): TLSSocket {
  const { options, listener } = normalizeArgs(args);
  checkKnownOptions(options, 'client');
  const host = options.host ?? 'localhost';
  // Resolve (and validate) before opening anything, so bad options throw without a stray socket.
  const secureContext = resolveClientContext(options);
  let transport = options.socket;
  let ours = false;
  if (!transport) {
    if (options.port === undefined) throw new TypeError('connect: options.port (or options.socket) is required');
    transport = net.connect({ host, port: options.port });
    ours = true;
  }
  let socket: TLSSocket;
  try {
    socket = new TLSSocket(transport, { ...options, host, secureContext, isServer: false });
  } catch (err) {
    // Do not leave the TCP connection we opened behind (its errors would have no listener).
    if (ours) transport.destroy();
    throw err;
  }
  if (listener) socket.once('secureConnect', listener);
  return socket;
}

function normalizeArgs(args: unknown[]): { options: ConnectOptions; listener: (() => void) | undefined } {
  let listener: (() => void) | undefined;
  if (typeof args[args.length - 1] === 'function') listener = args.pop() as () => void;
  if (typeof args[0] === 'object' && args[0] !== null) return { options: { ...(args[0] as ConnectOptions) }, listener };
  const options: ConnectOptions = {};
  let i = 0;
  if (typeof args[i] === 'number' || typeof args[i] === 'string') options.port = Number(args[i++]);
  if (typeof args[i] === 'string') options.host = args[i++] as string;
  if (typeof args[i] === 'object' && args[i] !== null) Object.assign(options, args[i], { port: options.port, host: options.host ?? (args[i] as ConnectOptions).host });
  return { options, listener };
}
