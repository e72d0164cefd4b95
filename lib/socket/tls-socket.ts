/**
 * TLSSocket: a node:stream Duplex of plaintext over any Duplex transport of ciphertext (a net.Socket,
 * a tunnel, a test pair), driven by the sans-IO engine. This file owns everything the engine must not:
 * the transport, timers, backpressure and Node's Buffer.
 *
 * Flow control, both directions:
 * - read: engine data is push()ed; when push() returns false the transport is paused until _read.
 * - write: _write hands the bytes to the engine, whose records go straight to transport.write();
 *   the callback runs once the transport accepted them (after 'drain' if it asked us to wait), so a
 *   slow peer slows the writer. Writes before the handshake completes wait, then flow in order.
 */
import { Duplex } from 'node:stream';
import { Socket as NetSocket, type Socket } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { Connection } from '../engine/connection.js';
import { concatBytes } from '../util/bytes.js';
import type { CertificateVerdict, EngineOptions, SessionData } from '../engine/types.js';
import { TLSAlertError, TLSConfigError, TLSError } from '../errors.js';
import { alertName } from '../alerts.js';
import { decodeSession } from '../session/codec.js';
import type { CipherSuite } from '../suites.js';
import { certificateToNodeShape, parseCertificate, type NodePeerCertificate } from '../x509/certificate.js';
import { peerCertificatePath } from '../x509/verify.js';
import {
  defaultServername,
  resolveClientContext,
  resolveServerContext,
  type ClientContext,
  type ClientSocketOptions,
  type ServerContext,
  type ServerSocketOptions,
} from './options.js';
import type { SecureContext } from './secure-context.js';
import type { DetailedPeerCertificate, PeerCertificate } from './peer-certificate.js';
import { attachKeylogFile } from './keylog-file.js';
import { LiveTrace } from '../replay/live-trace.js';
import { checkKnownOptions } from './known-options.js';
import { bindServerPsk } from './psk-options.js';
import type { TLSSocketEvents } from './events.js';

export interface TLSSocketOptions extends Omit<ClientSocketOptions, 'pskCallback'>, Omit<ServerSocketOptions, 'pskCallback'> {
  /** RFC 4279: the client's pskCallback(hint) or, with isServer, the server's pskCallback(socket, identity). */
  pskCallback?: ClientSocketOptions['pskCallback'] | ServerSocketOptions['pskCallback'];
  /** Act as the TLS server on this transport (e.g. a socket the AP accepted itself). Default false. */
  isServer?: boolean;
  /** Options already resolved by a Server (internal; saves parsing the key per connection), or a createSecureContext() result. */
  secureContext?: ServerContext | ClientContext | SecureContext;
}

/** node:tls's getCipher() shape. */
export interface CipherNameAndProtocol {
  name: string;
  standardName: string;
  version: 'TLSv1';
}

/** A verification failure that made us refuse the handshake: Node's code, plus the alert we sent. */
export class TLSCertificateError extends TLSError {
  readonly alert: number | undefined;
  constructor(verdict: CertificateVerdict, cause?: unknown) {
    super(verdict.code ?? 'ERR_TLS_CERT_UNTRUSTED', verdict.message ?? 'certificate verification failed', { cause });
    this.name = 'TLSCertificateError';
    this.alert = verdict.alert;
  }
}

/** A Buffer over the same memory (for arrays whose ownership the engine handed over). */
function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function toBuffer(bytes: Uint8Array): Buffer {
  // A copy: the engine owns its arrays and may reuse them after the event returns.
  return Buffer.from(bytes);
}

/** A plain Uint8Array view: the engine relies on Uint8Array semantics (Buffer#slice is a view). */
function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return new Uint8Array(Buffer.from(String(chunk)));
}

/** Application writes smaller than this are coalesced with the writes of the same tick. */
const COALESCE_BELOW = 8192;
/** TLS plaintext record size (RFC 2246 6.2.1). */
const MAX_PLAINTEXT = 16384;

type PendingWrite = { chunk: Uint8Array; callback: (err?: Error | null) => void };

/**
 * Typed events (socket/events.ts): an unknown event name does not compile; known ones give their
 * listener's parameter types (the second overload takes any listener for a known name).
 */
export interface TLSSocket {
  on<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  on(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  once<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  once(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  addListener<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  addListener(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  prependListener<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  prependListener(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  prependOnceListener<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  prependOnceListener(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  off<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  off(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
  removeListener<E extends keyof TLSSocketEvents>(event: E, listener: TLSSocketEvents[E]): this;
  removeListener(event: keyof TLSSocketEvents, listener: (...args: any[]) => void): this;
}

export class TLSSocket extends Duplex {
  readonly encrypted = true;
  /** True once the peer's certificate chain verified (client: against ca and the server name). */
  authorized = false;
  /** Server, RFC 4279: the psk_identity the client sent in this connection's full handshake (null otherwise). */
  pskIdentity: string | null = null;
  /** Node-style code of the verification failure, e.g. 'CERT_HAS_EXPIRED'; null when authorized. */
  authorizationError: string | null = null;
  /** The peer ended with close_notify (a clean close, RFC 2246 7.2.1), not a bare transport close. */
  closeNotifyReceived = false;

  private readonly transport: Duplex;
  private readonly engine: Connection;
  private readonly context: ServerContext | ClientContext;
  private readonly identityName: string | undefined;
  private readonly checkIdentity: ClientSocketOptions['checkServerIdentity'];
  private timer: NodeJS.Timeout | undefined;
  private pendingWrite: PendingWrite | null = null;
  private pendingFinal: ((err?: Error | null) => void) | null = null;
  private waitingForDrain: Array<(err?: Error | null) => void> = [];
  private engineFailed = false;
  private readEnded = false;
  /** Plaintext bytes handed to _write/_writev, and delivered by the engine (net.Socket's counters). */
  private dispatchedBytes = 0;
  private receivedBytes = 0;
  private readonly onTransportData = (chunk: Buffer) => {
    const bytes = toBytes(chunk);
    this.tracer?.received(bytes);
    this.sentBeforeTrace = null;
    this.feedEngine(bytes);
  };
  /** The chunk kept back while the engine's pending-input bound is reached (see onTransportData). */
  private heldInput: Uint8Array | null = null;
  private readonly onInputResumed = () => {
    const held = this.heldInput;
    if (!held) return;
    this.heldInput = null;
    this.feedEngine(held);
    if (!this.heldInput && !this.destroyed) this.transport.resume();
  };
  private feedEngine(bytes: Uint8Array): void {
    const engine = this.engine;
    if (engine.suspended && engine.bufferedInput + bytes.length > engine.pendingInputLimit) {
      // Backpressure while an async hook is pending (docs/bounds.md pendingInputLimit): keep this one
      // chunk and stop reading; inputResumed hands it over and reads again.
      this.heldInput = bytes;
      this.transport.pause();
      return;
    }
    if (this.ownedInput) engine.receiveOwned(bytes);
    else engine.receive(bytes);
  }
  /**
   * A net.Socket read is a fresh chunk nobody writes to again, so the engine may keep it uncopied;
   * other transports (a Duplex pair, a tunnel) may reuse theirs and are copied as before.
   */
  private readonly ownedInput: boolean;
  /** enableTrace()'s tracer. */
  private tracer: LiveTrace | undefined;
  /** What went out before any input (a client's ClientHello), so a trace enabled late still shows it. */
  private sentBeforeTrace: Uint8Array[] | null = [];

  constructor(socket: Duplex, options: TLSSocketOptions = {}) {
    super({ allowHalfOpen: false, emitClose: true, autoDestroy: true });
    this.transport = socket;
    this.ownedInput = socket instanceof NetSocket;
    // A context resolved by Server / connect(), else these options (whose secureContext may be a
    // createSecureContext() result; options.ts refuses a node:tls one).
    const resolved = options.secureContext && 'engine' in options.secureContext ? options.secureContext : undefined;
    if (!resolved) checkKnownOptions(options, 'socket');
    const isServer = options.isServer === true || resolved?.isServer === true;
    this.context = resolved ?? (isServer ? resolveServerContext(options as ServerSocketOptions) : resolveClientContext(options as ClientSocketOptions));
    if (this.context.isServer !== isServer) throw new TypeError('TLSSocket: secureContext is for the other role');
    const sniName = isServer ? undefined : defaultServername(options.host, options.servername);
    // node:tls checks the identity against servername, or the host when there is none (an IP literal).
    this.identityName = isServer ? undefined : (sniName ?? options.host ?? 'localhost');
    this.checkIdentity = options.checkServerIdentity;
    this.engineOpts = this.engineOptions(options, sniName);
    this.engine = new Connection(this.engineOpts, {
      output: (bytes) => this.sendToTransport(bytes),
      handshakeComplete: () => this.onHandshakeComplete(),
      data: (bytes) => this.onEngineData(bytes),
      peerClosed: () => this.onPeerClosed(),
      error: (err) => this.onEngineError(err),
      session: (session) => this.emit('session', session),
      renegotiated: () => this.emit('renegotiated'),
      warning: (description) => this.emit('warningAlert', description, alertName(description)),
      keylog: (line) => this.emit('keylog', Buffer.from(line + '\n', 'latin1')),
      inputResumed: this.onInputResumed,
    });
    attachKeylogFile(this, options.keylogFile); // may throw (bad path): before the transport is wired
    this.attachTransport();
    const trace = options.enableTrace;
    if (trace) this.enableTrace(typeof trace === 'function' ? (line) => trace(line, this) : undefined);
    const timeout = this.context.handshakeTimeout;
    if (timeout > 0) this.timer = setTimeout(() => this.onHandshakeTimeout(), timeout);
    if (!isServer) {
      // While TCP connects (connect() without `socket`) the ClientHello waits, so setSession() can
      // still choose the session to offer, as with node:tls.
      if ((this.transport as Partial<Socket>).connecting) this.transport.once('connect', () => this.startClient());
      else this.startClient();
    }
  }

  private startClient(): void {
    if (this.clientStarted || this.destroyed) return;
    this.clientStarted = true;
    this.engine.start();
  }
  private clientStarted = false;
  /** The options the engine was made with; setSession() sets `session` there before the ClientHello. */
  private readonly engineOpts: EngineOptions;

  // ------------------------------------------------------------------ wiring

  /** `sniName`: the server_name a client sends (none on a server). */
  private engineOptions(options: TLSSocketOptions, sniName: string | undefined): EngineOptions {
    const ctx = this.context;
    if (ctx.isServer) {
      return {
        ...ctx.engine,
        // The answer to the peer's close_notify goes out when this stream's writable side ends
        // (allowHalfOpen is false), after whatever the application wrote in reply.
        deferCloseNotify: true,
        // The engine verifies client certificates itself (engine/peer-verification.ts); Node's root
        // store is the default anchors when there is no `ca`, as node:tls.
        ...(ctx.requestCert ? { trustAnchors: ctx.trustAnchors(), ...ctx.verifyPolicy } : {}),
        // RFC 4279: node's pskCallback(socket, identity), bound to this socket.
        ...(ctx.pskCallback ? { pskCallback: bindServerPsk(ctx.pskCallback, this, (identity) => (this.pskIdentity = identity)) } : {}),
      };
    }
    const session = toSessionData(options.session);
    return {
      ...ctx.engine,
      deferCloseNotify: true,
      ...(sniName !== undefined ? { servername: sniName } : {}),
      ...(session ? { session } : {}),
      // The engine verifies the server's chain (engine/peer-verification.ts) from `ca` or Node's
      // root store; rejectUnauthorized: false (in ctx.engine) still verifies, then only reports.
      trustAnchors: ctx.trustAnchors(),
      ...ctx.verifyPolicy,
      ...(this.identityName !== undefined ? { serverIdentity: this.identityName } : {}),
      ...(this.checkIdentity ? { checkServerIdentity: (name: string, chain: readonly Uint8Array[]) => this.checkIdentity!(name, this.nodeShape(chain, true)) } : {}),
    };
  }

  private attachTransport(): void {
    const t = this.transport;
    t.on('data', this.onTransportData);
    t.on('end', () => this.onTransportEnd());
    t.on('error', (err: Error) => this.destroy(err));
    t.on('close', () => this.onTransportClose());
    t.on('drain', () => {
      this.transportFull = false;
      const waiting = this.waitingForDrain;
      this.waitingForDrain = [];
      for (const cb of waiting) cb();
    });
    t.on('connect', () => {
      this.rememberAddresses();
      this.emit('connect');
    });
    if (!(t as Partial<Socket>).connecting) this.rememberAddresses();
    t.on('timeout', () => this.emit('timeout'));
  }

  private sendToTransport(bytes: Uint8Array): void {
    const t = this.transport;
    if (t.destroyed || t.writableEnded) return; // the peer is gone; nothing left to tell it
    this.tracer?.sent(bytes);
    this.sentBeforeTrace?.push(bytes);
    // No copy: the engine hands over ownership of every output chunk (engine/types.ts EngineEvents).
    this.transportFull = !t.write(bufferView(bytes));
  }
  private transportFull = false;

  // ------------------------------------------------------------------ certificate checks

  /**
   * node:tls's getPeerCertificate() shape of chain[0]; when detailed, issuerCertificate links in
   * issuer order through what the peer sent and on to the trust anchor, as node:tls does.
   */
  private nodeShape(chain: readonly Uint8Array[], detailed: boolean): PeerCertificate | DetailedPeerCertificate {
    if (!detailed) return withBuffers(certificateToNodeShape(parseCertificate(chain[0]!)));
    const [leaf, ...rest] = peerCertificatePath(chain, this.context.trustAnchors());
    if (!leaf) throw new TLSError('CERT_DECODE_ERROR', 'the peer certificate does not parse');
    return withBuffers(certificateToNodeShape(leaf, true, rest));
  }

  // ------------------------------------------------------------------ engine events

  private onHandshakeComplete(): void {
    this.clearTimer();
    // The engine's verdict, for a resumed session too (it re-checked the stored verification).
    const verdict = this.engine.peerVerdict;
    this.authorized = verdict?.authorized === true;
    this.authorizationError = this.authorized ? null : (verdict?.code ?? null);
    // node:tls reads what followed the handshake in a later callback, so 'secureConnect' (and the
    // server's 'secureConnection') come before any effect of that input: hold them for one turn of
    // the event loop (afterHandshake), even when the Finished, data and close_notify share a chunk.
    if (!this.handshakeSeen) {
      this.handshakeSeen = true;
      this.afterHandshake = [];
      setImmediate(() => this.releaseAfterHandshake());
    }
    this.emit('secure');
    if (!this.engine.isServer) this.emit('secureConnect');
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending) this.writeNow(pending.chunk, pending.callback);
    const final = this.pendingFinal;
    this.pendingFinal = null;
    if (final) this._final(final);
  }

  private handshakeSeen = false;
  /** Input effects of the first handshake's completing turn, applied on the next (see onHandshakeComplete). */
  private afterHandshake: Array<() => void> | null = null;
  /** True when the effect was queued for after the handshake's turn instead of applied now. */
  private heldAfterHandshake(effect: () => void): boolean {
    if (!this.afterHandshake) return false;
    this.afterHandshake.push(effect);
    return true;
  }
  private releaseAfterHandshake(): void {
    const effects = this.afterHandshake ?? [];
    this.afterHandshake = null;
    for (const effect of effects) {
      if (this.destroyed) return;
      effect();
    }
  }

  private onEngineData(bytes: Uint8Array): void {
    if (this.heldAfterHandshake(() => this.onEngineData(bytes))) return;
    if (this.readEnded) return;
    this.receivedBytes += bytes.length;
    // No copy: decrypted fragments are fresh arrays the engine never touches again.
    if (!this.push(bufferView(bytes))) this.transport.pause();
  }

  private onPeerClosed(): void {
    if (this.heldAfterHandshake(() => this.onPeerClosed())) return;
    this.closeNotifyReceived = true;
    this.endReadable();
  }

  private onEngineError(err: TLSError): void {
    this.engineFailed = true; // at once: nothing more may be written through a failed engine
    if (this.heldAfterHandshake(() => this.onEngineError(err))) return;
    let reported: Error = err;
    const v = this.engine.peerVerdict;
    // The engine's verifier refused the peer: report Node's code (e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE),
    // keeping the engine's alert error as the cause.
    if (v && !v.authorized && err instanceof TLSAlertError && err.sent && err.alert === v.alert && !this.engine.handshakeComplete) {
      reported = new TLSCertificateError(v, err);
    }
    this.destroy(reported);
  }

  private onHandshakeTimeout(): void {
    this.timer = undefined;
    if (this.engine.handshakeComplete || this.destroyed) return;
    this.destroy(new TLSError('ERR_TLS_HANDSHAKE_TIMEOUT', `TLS handshake not finished within ${this.context.handshakeTimeout} ms`));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // ------------------------------------------------------------------ transport events

  private endReadable(): void {
    if (this.readEnded) return;
    this.readEnded = true;
    this.push(null);
    this.endIfDoneWriting();
  }

  /**
   * Once both sides are over (the application called end() and the peer's EOF is in), let 'end' and
   * 'close' happen even if nobody reads, as net.Socket's EOF read(0) does; a client that only
   * called end() would otherwise wait forever. Buffered data still waits for its reader, and a
   * stream still being written keeps its 'end' until it is read (listeners may come late).
   */
  private endIfDoneWriting(): void {
    if (this.readEnded && this.writableEnded && !this.readableEnded) this.read(0);
  }

  private onTransportEnd(): void {
    if (this.heldAfterHandshake(() => this.onTransportEnd())) return;
    if (!this.engine.handshakeComplete) {
      this.destroy(disconnected());
      return;
    }
    // TCP FIN without close_notify: node:tls also just ends the stream (the truncation is the
    // application's concern; a session so closed is not resumable per RFC 2246 7.2.1).
    this.endReadable();
  }

  private onTransportClose(): void {
    if (this.heldAfterHandshake(() => this.onTransportClose())) return;
    if (this.waitingForDrain.length > 0 || this.pendingWrite) this.failWaiters(epipe());
    if (this.destroyed) return;
    if (!this.engine.handshakeComplete) {
      this.destroy(disconnected());
      return;
    }
    // Keep what was already pushed readable: the stream ends (and autoDestroy closes it) once the
    // application has consumed it.
    this.endReadable();
  }

  private failWaiters(err: Error): void {
    const waiting = this.waitingForDrain;
    this.waitingForDrain = [];
    for (const cb of waiting) cb(err);
    const pending = this.pendingWrite;
    this.pendingWrite = null;
    if (pending) pending.callback(err);
  }

  // ------------------------------------------------------------------ Duplex implementation

  override _read(): void {
    if (this.heldInput) return; // paused for pendingInputLimit: onInputResumed reads again
    if (this.transport.isPaused()) this.transport.resume();
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const bytes = toBytes(chunk);
    this.dispatchedBytes += bytes.length;
    if (!this.engine.handshakeComplete) {
      this.pendingWrite = { chunk: bytes, callback };
      return;
    }
    this.writeNow(bytes, callback);
  }

  private writeNow(bytes: Uint8Array, callback: (err?: Error | null) => void): void {
    if (this.transport.destroyed || this.transport.writableEnded) {
      callback(epipe());
      return;
    }
    if (bytes.length === 0) {
      callback();
      return;
    }
    // Small writes made in the same tick are sealed together (one record instead of many, like
    // node:tls): they wait in `batch` until the end of the current task, or until a record's worth
    // has gathered. Nothing from the network is processed in between, so ordering is unchanged.
    if (bytes.length < COALESCE_BELOW) {
      this.batch.push(bytes);
      this.batchLength += bytes.length;
      if (this.batchLength < MAX_PLAINTEXT) {
        if (!this.batchScheduled) {
          this.batchScheduled = true;
          queueMicrotask(() => this.flushBatch());
        }
        callback();
        return;
      }
      if (!this.flushBatch(callback)) return;
    } else {
      if (this.batchLength > 0 && !this.flushBatch(callback)) return;
      try {
        this.engine.write(bytes);
      } catch (err) {
        callback(err as Error);
        return;
      }
    }
    if (this.transportFull) this.waitingForDrain.push(callback);
    else callback();
  }

  /** Seals the coalesced small writes. On failure reports to `callback`, or destroys the socket. */
  private flushBatch(callback?: (err?: Error | null) => void): boolean {
    this.batchScheduled = false;
    if (this.batchLength === 0) return true;
    const data = this.batch.length === 1 ? this.batch[0]! : concatBytes(...this.batch);
    this.batch = [];
    this.batchLength = 0;
    try {
      this.engine.write(data);
      return true;
    } catch (err) {
      if (callback) callback(err as Error);
      else this.destroy(err as Error);
      return false;
    }
  }
  private batch: Uint8Array[] = [];
  private batchLength = 0;
  private batchScheduled = false;

  override _writev(chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>, callback: (err?: Error | null) => void): void {
    const parts = chunks.map((c) => toBytes(c.chunk));
    const bytes = parts.length === 1 ? parts[0]! : concatBytes(...parts);
    this.dispatchedBytes += bytes.length;
    if (!this.engine.handshakeComplete) {
      this.pendingWrite = { chunk: bytes, callback };
      return;
    }
    this.writeNow(bytes, callback);
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (!this.engine.handshakeComplete && !this.engineFailed && !this.transport.destroyed) {
      this.pendingFinal = callback;
      return;
    }
    if (!this.engine.closed && !this.engineFailed) {
      if (!this.flushBatch(callback)) return;
      try {
        this.engine.close(); // close_notify (RFC 2246 7.2.1), then end the transport as node:tls does
      } catch (err) {
        callback(err as Error);
        return;
      }
    }
    if (!this.transport.destroyed && !this.transport.writableEnded) this.transport.end();
    callback();
    this.endIfDoneWriting();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.clearTimer();
    const t = this.transport;
    t.off('data', this.onTransportData);
    if (this.waitingForDrain.length > 0 || this.pendingWrite) this.failWaiters(err ?? epipe());
    if (this.pendingFinal) {
      const final = this.pendingFinal;
      this.pendingFinal = null;
      final(err ?? epipe());
    }
    // Like net.Socket, bytes written just before destroy() still go out (node:http writes its
    // 400/408/431 answer and destroys in the same tick): seal the coalesced ones now.
    if (!this.engineFailed && this.engine.handshakeComplete && !this.engine.closed && this.batchLength > 0) {
      this.flushBatch(() => {});
    }
    if (!t.destroyed) {
      if (this.engineFailed && !t.writableEnded) {
        // A fatal alert may sit in the transport's write queue: let it go out, then close.
        t.end();
        const kill = setTimeout(() => t.destroy(), 1000);
        kill.unref();
        t.once('finish', () => {
          clearTimeout(kill);
          t.destroy();
        });
      } else {
        t.destroy();
      }
    }
    callback(err);
  }

  // ------------------------------------------------------------------ node:tls API

  /**
   * Prints every record and handshake message of this connection, both directions, as it runs (as
   * node:tls's enableTrace(); the format is `ut-tls decode`'s, docs/cli.md "--trace"). Encrypted
   * records are decrypted with the connection's own keys; no secret is ever printed. `write` (a
   * ut-tls addition) receives each line instead of stderr.
   */
  enableTrace(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
    if (this.tracer) return;
    const tracer = new LiveTrace(this.engine.isServer ? 'server' : 'client', write);
    this.tracer = tracer;
    for (const bytes of this.sentBeforeTrace ?? []) tracer.sent(bytes);
    this.on('keylog', (line: Buffer) => tracer.keylog(line.toString('latin1')));
    this.once('close', () => tracer.end());
  }

  /** 'TLSv1' once the handshake completed, else null. */
  getProtocol(): 'TLSv1' | null {
    return this.engine.handshakeComplete ? this.engine.protocol : null;
  }

  getCipher(): CipherNameAndProtocol | undefined {
    const s: CipherSuite | null = this.engine.cipherSuite;
    if (!s || !this.engine.handshakeComplete) return undefined;
    return { name: s.openssl, standardName: s.name, version: 'TLSv1' };
  }

  /**
   * util.inspect / console.log: a summary. The stream's own fields reach the engine's keys and, on a
   * server, the session store's master secrets (issue 21 item 9), so none of them is shown.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return {
      isServer: this.engine.isServer,
      connection: this.engine,
      authorized: this.authorized,
      authorizationError: this.authorizationError,
      destroyed: this.destroyed,
    };
  }

  /** The peer's leaf certificate in node:tls's shape and type; with detailed, issuerCertificate links the chain. {} when none. */
  getPeerCertificate(detailed: true): DetailedPeerCertificate;
  getPeerCertificate(detailed?: false): PeerCertificate;
  getPeerCertificate(detailed?: boolean): PeerCertificate | DetailedPeerCertificate;
  getPeerCertificate(detailed = false): PeerCertificate | DetailedPeerCertificate {
    const chain = this.engine.peerCertificates;
    const none = {} as PeerCertificate; // node:tls's value (and type) when there is none
    if (chain.length === 0) return none;
    try {
      return this.nodeShape(chain, detailed);
    } catch {
      return none; // only reachable with rejectUnauthorized false and a chain whose tail does not parse
    }
  }

  getSession(): SessionData | undefined {
    return this.engine.session ?? undefined;
  }

  /** node:tls getTLSTicket: client side, the RFC 5077 ticket the server issued for this session, or undefined. */
  getTLSTicket(): Buffer | undefined {
    const ticket = this.engine.session?.ticket;
    return ticket ? Buffer.from(ticket) : undefined;
  }

  isSessionReused(): boolean {
    return this.engine.resumed;
  }

  getFinished(): Buffer | undefined {
    const f = this.engine.finished;
    return f ? toBuffer(f) : undefined;
  }

  getPeerFinished(): Buffer | undefined {
    const f = this.engine.peerFinished;
    return f ? toBuffer(f) : undefined;
  }

  /** RFC 5705 exporter, as node:tls's (lib/engine/keying-material.ts); throws before the handshake completes. */
  exportKeyingMaterial(length: number, label: string, context?: ArrayBufferView): Buffer {
    return toBuffer(this.engine.exportKeyingMaterial(length, label, context));
  }

  /** Our leaf certificate (a server's: the virtual host's), or undefined when we have none. */
  getX509Certificate(): X509Certificate | undefined {
    const leaf = this.ownLeaf();
    return leaf ? new X509Certificate(leaf) : undefined;
  }

  /**
   * node:tls getCertificate(): our leaf in getPeerCertificate()'s shape; `{}` when we have none, null
   * once the socket is destroyed (node's answers).
   */
  getCertificate(): PeerCertificate | object | null {
    if (this.destroyed) return null;
    const leaf = this.ownLeaf();
    return leaf ? this.nodeShape([leaf], false) : {};
  }

  private ownLeaf(): Uint8Array | undefined {
    return this.engine.serverContext?.certificateChain[0] ?? this.context.engine.certificateChain?.[0];
  }

  /**
   * node:tls getEphemeralKeyInfo(): on a client, `{ type: 'DH', size }` (the prime's bits) after a DHE
   * key exchange and `{}` otherwise; null on a server and once destroyed, as node:tls answers.
   */
  getEphemeralKeyInfo(): { type: 'DH'; size: number } | Record<string, never> | null {
    if (this.destroyed || this.engine.isServer) return null;
    const key = this.engine.ephemeralKey;
    return key ? { type: key.type, size: key.size } : {};
  }

  /** node:tls getSharedSigalgs(): TLS 1.0 negotiates no signature algorithms (RFC 5246 7.4.1.4.1), so []. */
  getSharedSigalgs(): string[] {
    return [];
  }

  getPeerX509Certificate(): X509Certificate | undefined {
    const leaf = this.engine.peerCertificates[0];
    return leaf ? new X509Certificate(leaf) : undefined;
  }

  /** Client: the name sent in server_name. Server: the name the client asked for. null when none. */
  /** RFC 7301: the negotiated protocol; false when none (as node:tls). */
  get alpnProtocol(): string | false {
    return this.engine.alpnProtocol ?? false;
  }
  get servername(): string | null {
    if (this.engine.isServer) return this.engine.servername;
    // The server_name we send: the engine's option, which setServername() may change before the ClientHello.
    return (this.engineOpts as { servername?: string }).servername ?? null;
  }

  /**
   * The suite of this handshake's ServerHello, already while the handshake runs (a server pskCallback
   * that keys on it, e.g. GBA's NAF_Id, TS 33.220 H.3); null before ServerHello. ut-tls only.
   */
  get negotiatedCipherSuite(): number | null {
    return this.engine.cipherSuite?.id ?? null;
  }

  /**
   * Server side (TS 33.141 6.1.4): keep the application's authentication record (e.g. the identity
   * GBA / HTTP Digest authenticated) with this connection's session; see authRecord on resumption.
   */
  setAuthRecord(data: Uint8Array): void | Promise<void> {
    return this.engine.setAuthRecord(data);
  }

  /** Server side: the session's authentication record; needsReauthentication on a resumed session. */
  get authRecord(): { data: Uint8Array; needsReauthentication: boolean } | null {
    return this.engine.authRecord;
  }

  /** Client side: the DER OCSP response the server stapled (RFC 3546 3.6), or undefined. */
  getOCSPResponse(): Buffer | undefined {
    const r = this.engine.ocspResponse;
    return r ? toBuffer(r) : undefined;
  }

  /** RFC 5746 secure renegotiation (needs renegotiation: 'secure' on both ends); 'renegotiated' follows. */
  renegotiate(): void {
    this.engine.renegotiate();
  }

  /**
   * node:tls setSession(): the session to offer (SessionData or encodeSession() bytes, e.g. from
   * 'session'). Only before the ClientHello goes out: after connect() while TCP connects; later it is
   * ERR_TLS_INVALID_STATE (node:tls silently does a full handshake then).
   */
  setSession(session: SessionData | Uint8Array): void {
    if (this.engine.isServer) throw new TLSError('ERR_TLS_INVALID_STATE', 'setSession() is for clients');
    if (this.clientStarted) throw new TLSError('ERR_TLS_INVALID_STATE', 'setSession(): the ClientHello was already sent; pass `session` to connect()');
    (this.engineOpts as { session?: SessionData }).session = toSessionData(session);
  }

  /**
   * node:tls setServername(name): the server_name (RFC 3546 3.1) the ClientHello carries; '' sends
   * none. The certificate is still checked against the name given to connect(), as node:tls does.
   * Until the ClientHello is sent (as setSession()); later ERR_TLS_INVALID_STATE.
   */
  setServername(name: string): void {
    if (typeof name !== 'string') {
      throw Object.assign(new TypeError(`The "name" argument must be of type string. Received ${typeof name}`), { code: 'ERR_INVALID_ARG_TYPE' });
    }
    if (this.engine.isServer) throw new TLSError('ERR_TLS_SNI_FROM_SERVER', 'Cannot issue SNI from a TLS server-side socket');
    if (this.clientStarted) throw new TLSError('ERR_TLS_INVALID_STATE', 'setServername(): the ClientHello was already sent; pass `servername` to connect()');
    const opts = this.engineOpts as { servername?: string };
    if (name === '') delete opts.servername;
    else opts.servername = name;
  }

  /** node:tls disableRenegotiation(): a renegotiation the peer starts now destroys the socket with ERR_TLS_RENEGOTIATION_DISABLED. */
  disableRenegotiation(): void {
    this.engine.disableRenegotiation();
  }

  /**
   * node:tls setMaxSendFragment(size): records we send carry at most `size` plaintext bytes; true when
   * set, false outside 512..16384 (as OpenSSL). A non-integer throws as node:tls (ERR_OUT_OF_RANGE).
   */
  setMaxSendFragment(size: number): boolean {
    validateInt32(size, 'size');
    return this.engine.setMaxSendFragment(size);
  }

  /** The engine, for diagnostics (handshake state, negotiated extensions). */
  get connection(): Connection {
    return this.engine;
  }

  // Passthrough to a net.Socket transport (undefined for other Duplexes).
  private get net(): Partial<Socket> {
    return this.transport as Partial<Socket>;
  }
  // Read once connected and kept: net.Socket forgets its addresses when its handle closes, which
  // can happen before the application looks (a short exchange ends within one read).
  private addresses: { remoteAddress?: string; remotePort?: number; remoteFamily?: string; localAddress?: string; localPort?: number } = {};
  private rememberAddresses(): void {
    const n = this.net;
    this.addresses = {
      remoteAddress: n.remoteAddress,
      remotePort: n.remotePort,
      remoteFamily: n.remoteFamily,
      localAddress: n.localAddress,
      localPort: n.localPort,
    };
  }
  get remoteAddress(): string | undefined {
    return this.net.remoteAddress ?? this.addresses.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.net.remotePort ?? this.addresses.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.net.remoteFamily ?? this.addresses.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.net.localAddress ?? this.addresses.localAddress;
  }
  get localPort(): number | undefined {
    return this.net.localPort ?? this.addresses.localPort;
  }
  address(): ReturnType<Socket['address']> | Record<string, never> {
    return typeof this.net.address === 'function' ? this.net.address.call(this.transport) : {};
  }
  setNoDelay(noDelay?: boolean): this {
    this.net.setNoDelay?.call(this.transport, noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.net.setKeepAlive?.call(this.transport, enable, initialDelay);
    return this;
  }
  /** As net.Socket#setTimeout: 'timeout' is emitted after ms of transport inactivity. */
  setTimeout(ms: number, callback?: () => void): this {
    this.net.setTimeout?.call(this.transport, ms);
    if (callback) this.once('timeout', callback);
    return this;
  }
  // ------------------------------------------------------------------ net.Socket surface (node:http reads these)

  /** Plaintext bytes written, including those still queued (net.Socket / node:tls semantics). */
  get bytesWritten(): number {
    let queued = 0;
    // writableBuffer: Writable's (undocumented, used by net.Socket) list of writes not yet given to _write.
    const buffered = (this as unknown as { writableBuffer?: unknown[] }).writableBuffer ?? [];
    for (const entry of buffered) {
      const c = (entry as { chunk: unknown; encoding?: BufferEncoding }).chunk;
      queued += typeof c === 'string' ? Buffer.byteLength(c, (entry as { encoding?: BufferEncoding }).encoding) : (c as Uint8Array).byteLength;
    }
    return this.dispatchedBytes + queued;
  }
  /** Plaintext bytes received (application data the engine decrypted). */
  get bytesRead(): number {
    return this.receivedBytes;
  }
  /** True while the transport's TCP connect is in progress (as net.Socket; not the handshake). */
  get connecting(): boolean {
    return this.net.connecting === true;
  }
  /** As net.Socket: true while not connected yet (or once closed). */
  get pending(): boolean {
    const p = this.net.pending;
    return typeof p === 'boolean' ? p : this.destroyed;
  }
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable) return 'readOnly';
    if (this.writable) return 'writeOnly';
    return 'closed';
  }
  /** net.Socket#destroySoon: end (close_notify after what is queued), destroy once finished. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }
  /** net.Socket#resetAndDestroy: close the TCP connection with RST (no close_notify), then destroy. */
  resetAndDestroy(): this {
    const t = this.transport as Duplex & Partial<Pick<Socket, 'resetAndDestroy'>>;
    if (t.destroyed) {
      this.destroy(new TLSError('ERR_SOCKET_CLOSED', 'Socket is closed'));
      return this;
    }
    if (typeof t.resetAndDestroy !== 'function') {
      this.destroy();
      return this;
    }
    t.resetAndDestroy();
    if (t.destroyed) this.destroy();
    else t.once('close', () => this.destroy()); // still connecting: net.Socket resets once connected
    return this;
  }

  ref(): this {
    this.net.ref?.call(this.transport);
    return this;
  }
  unref(): this {
    this.net.unref?.call(this.transport);
    return this;
  }
}

/** raw and pubkey as Buffers, as node:tls gives them (the x509 layer uses Uint8Array). */
function withBuffers(shape: NodePeerCertificate): DetailedPeerCertificate {
  const seen = new Map<NodePeerCertificate, DetailedPeerCertificate>();
  const convert = (s: NodePeerCertificate): DetailedPeerCertificate => {
    const done = seen.get(s);
    if (done) return done;
    const out = { ...s, raw: Buffer.from(s.raw), pubkey: Buffer.from(s.pubkey) } as unknown as DetailedPeerCertificate;
    seen.set(s, out);
    if (s.issuerCertificate) out.issuerCertificate = convert(s.issuerCertificate);
    return out;
  };
  return convert(shape);
}

/** A `session` option or setSession() argument: SessionData, or the bytes of encodeSession(). */
function toSessionData(session: SessionData | Uint8Array | undefined): SessionData | undefined {
  if (!(session instanceof Uint8Array)) return session || undefined;
  try {
    return decodeSession(session); // bytes from encodeSession (session/codec.ts)
  } catch (err) {
    throw new TLSConfigError(`session: ${(err as Error).message}`, 'session');
  }
}

/** node's validateInt32: ERR_INVALID_ARG_TYPE for a non-number, ERR_OUT_OF_RANGE for a non-int32. */
function validateInt32(value: unknown, name: string): void {
  if (typeof value !== 'number') {
    throw Object.assign(new TypeError(`The "${name}" argument must be of type number. Received ${typeof value}`), { code: 'ERR_INVALID_ARG_TYPE' });
  }
  if (!Number.isInteger(value) || value < -2147483648 || value > 2147483647) {
    throw Object.assign(new RangeError(`The value of "${name}" is out of range. It must be an integer >= -2147483648 && <= 2147483647. Received ${value}`), { code: 'ERR_OUT_OF_RANGE' });
  }
}

function disconnected(): TLSError {
  return new TLSError('ECONNRESET', 'Client network socket disconnected before secure TLS connection was established');
}

function epipe(): TLSError {
  return new TLSError('EPIPE', 'the transport is closed');
}
