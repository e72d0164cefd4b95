/**
 * A small Redis client (RESP2 over node:net) for the AP's shared session store: just what
 * RedisSessionStore needs (GET, SET PX, DEL, MGET, AUTH, SELECT, PING), with the bounds a TLS
 * handshake path needs. Written here instead of depending on the `redis` package: the AP needs five
 * commands, and a handshake must never wait on a client's own reconnect queue (docs/ap.md "Farm").
 *
 *   - every command has a deadline (timeoutMs): past it the caller gets a RedisError('ETIMEDOUT') and
 *     the late reply is read and thrown away (replies come back in order, so the stream stays aligned);
 *   - while the connection is down, commands fail at once (RedisError 'EUNAVAILABLE'): nothing queues
 *     behind a dead server; a reconnect is tried at most once per `retryMs`, on demand;
 *   - bounded: at most `maxPending` commands in flight, replies at most `maxReplyBytes`; a reply that
 *     does not parse closes the connection (RedisError 'EPROTO' for what was in flight).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';

export class RedisError extends Error {
  constructor(
    readonly code: 'ETIMEDOUT' | 'EUNAVAILABLE' | 'EPROTO' | 'EREPLY' | 'EBUSY' | 'ECLOSED',
    message: string,
  ) {
    super(`redis: ${message}`);
    this.name = 'RedisError';
  }
}

export type RespValue = string | number | Buffer | null | RespValue[] | RedisError;

export interface RespClientOptions {
  host: string;
  port: number;
  password?: string;
  db?: number;
  /** Deadline per command, ms (default 50). */
  timeoutMs?: number;
  /** TCP connect deadline, ms (default 200). */
  connectTimeoutMs?: number;
  /** Least time between reconnect attempts, ms (default 1000). */
  retryMs?: number;
  maxPending?: number;
  maxReplyBytes?: number;
  /** Called once when the connection goes down and once when it is back. */
  onStateChange?: (up: boolean, reason: string) => void;
  /**
   * Redis over TLS (rediss://, redis-server --tls-port): node:tls options for the connection (ca, cert,
   * key, servername...). node:tls, not ut-tls: this is a modern link to a modern server (TLS 1.2/1.3).
   */
  tls?: tls.ConnectionOptions;
}

interface Pending {
  resolve(v: RespValue): void;
  reject(e: Error): void;
  settled: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: readonly (string | Uint8Array | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a, 'utf8') : typeof a === 'number' ? Buffer.from(String(a)) : Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/**
 * Parses one reply from `buf` at `pos`: [value, next position], or undefined when more bytes are
 * needed. Throws RedisError('EPROTO') for bytes that are not RESP or exceed `maxBytes`.
 */
export function parseReply(buf: Buffer, pos: number, maxBytes: number, depth = 0): [RespValue, number] | undefined {
  if (pos >= buf.length) return undefined;
  const eol = buf.indexOf('\r\n', pos);
  if (eol < 0) {
    if (buf.length - pos > 64 * 1024) throw new RedisError('EPROTO', 'reply line too long');
    return undefined;
  }
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('utf8', pos + 1, eol);
  const next = eol + 2;
  const int = () => {
    if (!/^-?\d{1,15}$/.test(line)) throw new RedisError('EPROTO', `bad length or integer ${JSON.stringify(line.slice(0, 20))}`);
    return Number(line);
  };
  switch (type) {
    case '+':
      return [line, next];
    case '-':
      return [new RedisError('EREPLY', line), next];
    case ':':
      return [int(), next];
    case '$': {
      const n = int();
      if (n === -1) return [null, next];
      if (n < 0 || n > maxBytes) throw new RedisError('EPROTO', `bulk reply of ${n} bytes (limit ${maxBytes})`);
      if (buf.length < next + n + 2) return undefined;
      if (buf[next + n] !== 13 || buf[next + n + 1] !== 10) throw new RedisError('EPROTO', 'bulk reply not terminated by CRLF');
      return [Buffer.from(buf.subarray(next, next + n)), next + n + 2];
    }
    case '*': {
      const n = int();
      if (n === -1) return [null, next];
      if (n < 0 || n > 100_000 || depth > 4) throw new RedisError('EPROTO', `array reply of ${n} elements at depth ${depth}`);
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p, maxBytes, depth + 1);
        if (!r) return undefined;
        items.push(r[0]);
        p = r[1];
      }
      return [items, p];
    }
    default:
      throw new RedisError('EPROTO', `unknown reply type byte 0x${buf[pos]!.toString(16)}`);
  }
}

export class RespClient {
  private socket: net.Socket | undefined;
  private ready = false;
  private connecting: Promise<void> | undefined;
  private lastAttempt = 0;
  private readonly pending: Pending[] = [];
  private input: Buffer = Buffer.alloc(0);
  private closed = false;
  private up: boolean | undefined;
  readonly timeoutMs: number;
  private readonly o: Required<Omit<RespClientOptions, 'password' | 'db' | 'onStateChange' | 'tls'>> & RespClientOptions;

  constructor(options: RespClientOptions) {
    this.o = { timeoutMs: 50, connectTimeoutMs: 200, retryMs: 1000, maxPending: 10_000, maxReplyBytes: 1 << 20, ...options };
    this.timeoutMs = this.o.timeoutMs;
  }

  /** Sends one command; rejects with RedisError on timeout, a dead connection or an error reply. */
  async command(args: readonly (string | Uint8Array | number)[]): Promise<RespValue> {
    if (this.closed) throw new RedisError('ECLOSED', 'client closed');
    if (!this.ready) await this.ensureConnected();
    return this.send(args, this.o.timeoutMs);
  }

  private send(args: readonly (string | Uint8Array | number)[], timeoutMs: number): Promise<RespValue> {
    const socket = this.socket;
    if (!socket || socket.destroyed) return Promise.reject(new RedisError('EUNAVAILABLE', 'not connected'));
    if (this.pending.length >= this.o.maxPending) return Promise.reject(new RedisError('EBUSY', `${this.o.maxPending} commands already in flight`));
    return new Promise<RespValue>((resolve, reject) => {
      const p: Pending = {
        settled: false,
        timer: undefined,
        resolve: (v) => {
          if (p.settled) return;
          p.settled = true;
          clearTimeout(p.timer);
          if (v instanceof RedisError) reject(v);
          else resolve(v);
        },
        reject: (e) => {
          if (p.settled) return;
          p.settled = true;
          clearTimeout(p.timer);
          reject(e);
        },
      };
      // The entry stays queued after a timeout: its late reply must still be consumed in order.
      p.timer = setTimeout(() => p.reject(new RedisError('ETIMEDOUT', `no reply in ${timeoutMs} ms`)), timeoutMs);
      p.timer.unref?.();
      this.pending.push(p);
      socket.write(encodeCommand(args));
    });
  }

  /** Connects (and runs AUTH / SELECT) unless a recent attempt failed: then fails at once. */
  private ensureConnected(): Promise<void> {
    if (this.ready) return Promise.resolve();
    if (this.connecting) return this.connecting;
    const now = Date.now();
    if (now - this.lastAttempt < this.o.retryMs) return Promise.reject(new RedisError('EUNAVAILABLE', `${this.o.host}:${this.o.port} down (next attempt within ${this.o.retryMs} ms)`));
    this.lastAttempt = now;
    this.connecting = new Promise<void>((resolve, reject) => {
      const socket: net.Socket = this.o.tls ? tls.connect({ host: this.o.host, port: this.o.port, ...this.o.tls }) : net.connect({ host: this.o.host, port: this.o.port });
      socket.setNoDelay(true);
      this.socket = socket;
      this.input = Buffer.alloc(0);
      const timer = setTimeout(() => socket.destroy(new RedisError('ETIMEDOUT', `connect to ${this.o.host}:${this.o.port}: no answer in ${this.o.connectTimeoutMs} ms`)), this.o.connectTimeoutMs);
      timer.unref?.();
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', () => undefined); // 'close' follows and does the work
      socket.once('close', () => {
        clearTimeout(timer);
        this.onClose(socket);
        reject(new RedisError('EUNAVAILABLE', `${this.o.host}:${this.o.port} unreachable`));
      });
      socket.once(this.o.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        const setup: Promise<RespValue>[] = [];
        if (this.o.password !== undefined) setup.push(this.send(['AUTH', this.o.password], this.o.connectTimeoutMs));
        if (this.o.db) setup.push(this.send(['SELECT', this.o.db], this.o.connectTimeoutMs));
        Promise.all(setup).then(
          () => {
            this.ready = true;
            this.setUp(true, 'connected');
            resolve();
          },
          (err: Error) => {
            socket.destroy();
            reject(err);
          },
        );
      });
    }).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private onData(chunk: Buffer): void {
    this.input = this.input.length ? Buffer.concat([this.input, chunk]) : chunk;
    let pos = 0;
    try {
      for (;;) {
        const r = parseReply(this.input, pos, this.o.maxReplyBytes);
        if (!r) break;
        pos = r[1];
        const p = this.pending.shift();
        if (!p) throw new RedisError('EPROTO', 'a reply nobody asked for');
        p.resolve(r[0]);
      }
    } catch (err) {
      this.socket?.destroy();
      for (const p of this.pending.splice(0)) p.reject(err as Error);
      return;
    }
    this.input = pos >= this.input.length ? Buffer.alloc(0) : this.input.subarray(pos);
    if (this.input.length > this.o.maxReplyBytes + 64 * 1024) {
      this.socket?.destroy();
    }
  }

  private onClose(socket: net.Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasReady = this.ready;
    this.ready = false;
    for (const p of this.pending.splice(0)) p.reject(new RedisError('EUNAVAILABLE', 'connection closed'));
    if (wasReady) this.lastAttempt = Date.now();
    if (!this.closed) this.setUp(false, 'connection lost');
  }

  private setUp(up: boolean, reason: string): void {
    if (this.up === up) return;
    // The first state reported is only "down": a store that connects fine says nothing.
    if (this.up === undefined && up) {
      this.up = up;
      return;
    }
    this.up = up;
    this.o.onStateChange?.(up, reason);
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
    for (const p of this.pending.splice(0)) p.reject(new RedisError('ECLOSED', 'client closed'));
  }
}
