/**
 * What every implementation adapter offers the benchmarks. Two kinds:
 *
 * - SocketPeer: a TLS server and client of one implementation over TCP on 127.0.0.1, both in this
 *   process (client and server of the same implementation, so each handshake costs both ends).
 * - MemoryPeer: the same two ends wired together in memory, no sockets and no event loop turns
 *   (bytes handed from one end to the other through queues), to show the protocol engine's own cost.
 *
 * Sessions are opaque to the benchmarks: whatever an adapter returns from one handshake it accepts
 * back for the next one to resume.
 */
import type { Impl } from '../report.js';

/** The four suites the throughput figures cover (RSA key exchange, SHA-1 MAC, TLS 1.0). */
export const SUITES = [
  'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
  'TLS_RSA_WITH_RC4_128_SHA',
  'TLS_RSA_WITH_AES_128_CBC_SHA',
  'TLS_RSA_WITH_AES_256_CBC_SHA',
] as const;
export type SuiteName = (typeof SUITES)[number];

/** The suite every handshake figure uses: the one all four implementations share. */
export const HANDSHAKE_SUITE: SuiteName = 'TLS_RSA_WITH_AES_128_CBC_SHA';

/** OpenSSL names (node:tls `ciphers`). */
export const OPENSSL_NAMES: Record<SuiteName, string> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_RC4_128_SHA: 'RC4-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
};

/** One received stream, as the receiving end saw it. */
export interface Transfer {
  bytes: number;
  /** performance.now() when the first application byte arrived. */
  firstByteAt: number;
  /** performance.now() when the peer's close arrived (all bytes in). */
  endAt: number;
}

export interface PeerServer {
  port: number;
  /** Connections whose handshake completed and that are still open. */
  established(): number;
  /**
   * The next connection that carried application data, once it has ended. Connections that carried
   * none (handshake benchmarks) are not reported.
   */
  nextTransfer(): Promise<Transfer>;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

export interface PeerClient {
  /** The handshake was abbreviated (RFC 2246 7.3, session resumed). */
  resumed: boolean;
  /** Something to pass back to connect() to resume; null if the implementation gave none. */
  session: unknown;
  /**
   * Writes `chunk` again and again while keepGoing() is true, waiting whenever the transport asks
   * for it (backpressure), then closes the connection (close_notify, then FIN). Resolves with the
   * number of application bytes written.
   */
  send(chunk: Uint8Array, keepGoing: () => boolean): Promise<number>;
  /** Closes politely (close_notify, FIN) without waiting for the peer. */
  close(): void;
}

export interface SocketPeer {
  readonly impl: Impl;
  /** Suites this implementation can do at TLS 1.0 here. */
  readonly suites: readonly SuiteName[];
  listen(suite: SuiteName): Promise<PeerServer>;
  /** Connects to 127.0.0.1:port and completes one handshake (resuming `session` if given). */
  connect(port: number, suite: SuiteName, session?: unknown): Promise<PeerClient>;
}

export interface PeerOptions {
  /**
   * Let the server keep sessions (default true). Off for memory figures, so heap per connection
   * does not include a session cache entry (measured on its own as bytes_per_cached_session).
   */
  cacheSessions?: boolean;
}

/** Both ends of one connection, in memory. */
export interface MemoryConnection {
  resumed: boolean;
  session: unknown;
  /**
   * Client to server: writes `chunk` while keepGoing() is true, each write delivered to the server
   * before the next; resolves with the bytes the server received.
   */
  send(chunk: Uint8Array, keepGoing: () => boolean): Promise<number>;
  /**
   * For memory measurements: drops every reference this connection holds to its client end (without
   * closing anything) and returns the server end's objects. The connection is unusable afterwards.
   */
  serverOnly(): unknown;
  /** Closes politely (close_notify both ways). */
  close(): void;
}

export interface MemoryPeer {
  readonly impl: Impl;
  readonly suites: readonly SuiteName[];
  /**
   * A full (or, with `session`, resumed) handshake in memory against this peer's one server
   * configuration and session cache.
   */
  handshake(suite: SuiteName, session?: unknown): Promise<MemoryConnection>;
  /** Releases whatever the peer keeps between handshakes (servers, caches). */
  dispose?(): void;
}

/** A FIFO of results with waiters, for servers reporting finished transfers. */
export class TransferQueue {
  private readonly done: Transfer[] = [];
  private readonly waiting: ((t: Transfer) => void)[] = [];
  push(t: Transfer): void {
    const w = this.waiting.shift();
    if (w) w(t);
    else this.done.push(t);
  }
  next(): Promise<Transfer> {
    const t = this.done.shift();
    if (t) return Promise.resolve(t);
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Counts bytes on a receiving connection and reports the transfer when it ends. */
export class TransferCounter {
  bytes = 0;
  firstByteAt = 0;
  private reported = false;
  constructor(private readonly queue: TransferQueue, private readonly now: () => number) {}
  data(n: number): void {
    if (n === 0) return;
    if (this.bytes === 0) this.firstByteAt = this.now();
    this.bytes += n;
  }
  end(): void {
    if (this.reported || this.bytes === 0) return;
    this.reported = true;
    this.queue.push({ bytes: this.bytes, firstByteAt: this.firstByteAt, endAt: this.now() });
  }
}
