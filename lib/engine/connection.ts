/**
 * The sans-IO TLS 1.0 connection: bytes in, bytes and events out. It owns the record layer (framing,
 * the current and pending protections, handshake reassembly, alerts, ChangeCipherSpec, application data)
 * and hands each complete handshake message to the role's flow (client.ts / server.ts), which is the
 * protocol's message diagram written as states.
 *
 * Nothing here throws on peer input: every failure becomes a fatal alert (sent through `output` first)
 * and one `error` event with a TLSAlertError naming the rule.
 */
import { checkExporterArguments, exportKeyingMaterial } from './keying-material.js';
import { AlertDescription, AlertLevel, EXTENSION_ALERTS, alertName } from '../alerts.js';
import type { CryptoProvider } from '../crypto/provider.js';
import { pureProvider } from '../crypto/pure.js';
import { TLSAlertError, TLSError } from '../errors.js';
import { HandshakeType, handshakeTypeName } from '../messages/types.js';
import { encodeHandshake } from '../messages/handshake.js';
import { decodeAlerts, encodeAlert, encodeChangeCipherSpec, isValidChangeCipherSpec } from '../record/alert-codec.js';
import { ContentType, MAX_PLAINTEXT, TLS_1_0 } from '../record/constants.js';
import { RecordReader, type SSLv2HelloRecord, type TLSRecord } from '../record/framing.js';
import { fragment, splitApplicationData } from '../record/fragmenter.js';
import { HandshakeReassembler, type RawHandshakeMessage } from '../record/handshake-reassembler.js';
import { RecordProtection } from '../record/protection.js';
import type { CipherSuite } from '../suites.js';
import { concatBytes, DecodeError } from '../util/bytes.js';
import type { PendingStates } from './key-schedule.js';
import { Transcript } from './transcript.js';
import type { CertificateVerdict, EngineEvents, EngineOptions, ServerContext, SessionData } from './types.js';
import { ClientFlow } from './client.js';
import type { EphemeralKeyInfo } from './key-exchange/types.js';
import { ServerFlow } from './server.js';
import type { HandshakeFlow } from './flow.js';
import type { FlowHost } from './flow-host.js';
import type { AgreedFacts } from './extensions/types.js';
import { SESSION_TICKET_EXTENSION } from './session-ticket.js';

type Phase = 'idle' | 'handshaking' | 'open' | 'closed' | 'failed';

/** Warning alerts accepted in a row before the connection is ended (OpenSSL's limit, CVE-2016-8610). */
const MAX_WARNINGS_IN_A_ROW = 4;

/** Empty records (application data; empty alert/handshake records fail at once) in a row; OpenSSL's MAX_EMPTY_RECORDS. */
export const MAX_EMPTY_RECORDS_IN_A_ROW = 32;

/** Default bound on input queued while an async hook is pending (docs/bounds.md). */
export const DEFAULT_PENDING_INPUT_LIMIT = 64 * 1024;

export class Connection implements FlowHost {
  readonly isServer: boolean;
  /** @internal */ readonly provider: CryptoProvider;
  /** @internal The transcript of the handshake in progress (a new one for each renegotiation). */
  transcript = new Transcript();
  /** @internal */ readonly events: EngineEvents;
  /** @internal */ readonly now: () => number;

  private phase: Phase = 'idle';
  private readonly reader: RecordReader;
  private readonly reassembler: HandshakeReassembler;
  private readProtection = RecordProtection.none();
  private writeProtection = RecordProtection.none();
  private pendingRead: PendingStates['read'] | null = null;
  private pendingWrite: PendingStates['write'] | null = null;
  /** The handshake in progress, or the last one. */
  private flow: HandshakeFlow;
  /** The last completed handshake: what the getters report while a renegotiation runs. */
  private established: HandshakeFlow | null = null;
  /** Handshakes replaced by a renegotiation: their sessions die with the connection's fatal alert too. */
  private readonly superseded: HandshakeFlow[] = [];
  private readonly options: EngineOptions;
  private readonly outQueue: Uint8Array[] = [];
  private handshakeOut: Uint8Array[] = [];
  private busy = false;
  private sentCloseNotify = false;
  private receivedCloseNotify = false;
  /** After the version is agreed every record must carry it (RFC 2246 6.2.1). */
  private versionLocked = false;
  /** RFC 3546 3.2: the negotiated plaintext limit (2^14 until max_fragment_length says less). */
  private maxFragment = MAX_PLAINTEXT;
  private readonly splitRecords: boolean;
  private readonly deferCloseNotify: boolean;
  /** Consecutive warning alerts, reset by any other record. */
  private warningsInARow = 0;
  /** Consecutive empty application-data records (each costs a MAC check and gives nothing), reset by any other record. */
  private emptyInARow = 0;

  constructor(options: EngineOptions, events: EngineEvents) {
    this.isServer = options.isServer === true;
    this.provider = options.provider ?? pureProvider;
    this.events = events;
    this.now = options.now ?? Date.now;
    this.splitRecords = options.splitRecords ?? !this.isServer;
    this.deferCloseNotify = options.deferCloseNotify === true;
    this.reader = new RecordReader({ acceptSSLv2Hello: this.isServer });
    this.reassembler = new HandshakeReassembler(options.maxHandshakeMessageLength);
    this.options = options;
    // Configuration errors surface here, at construction, as TLSConfigError.
    this.flow = options.isServer === true ? new ServerFlow(this, options) : new ClientFlow(this, options);
  }

  // ---- public surface -------------------------------------------------------------------------

  /** Client: sends the ClientHello. Server: starts waiting for one. Call once, after wiring events. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'handshaking';
    this.guard(() => this.flow.start());
    this.flushOutput();
  }

  /** Feeds bytes from the transport. Never throws; failures arrive as `error` events. */
  receive(bytes: Uint8Array): void {
    this.receiveInto(bytes, false);
  }

  /**
   * As receive(), for bytes handed over: the caller never writes to them again (a socket read's
   * fresh chunk), so the record reader may keep the array itself instead of copying it.
   */
  receiveOwned(bytes: Uint8Array): void {
    this.receiveInto(bytes, true);
  }

  private receiveInto(bytes: Uint8Array, owned: boolean): void {
    // After the peer's close_notify nothing it sends counts (RFC 2246 7.2.1).
    if (this.phase === 'failed' || this.phase === 'closed' || this.receivedCloseNotify) return;
    if (this.phase === 'idle') this.start();
    if (this.busy && this.reader.buffered + bytes.length > this.pendingInputLimit) {
      // An async hook is pending and the caller kept feeding: nothing drains the queue until the hook
      // answers, so a peer could fill memory at line rate. A socket stops reading before this point.
      this.fail(
        new TLSAlertError(
          AlertDescription.internal_error,
          `ut-tls pendingInputLimit: more than ${this.pendingInputLimit} bytes received while an async hook was pending`,
        ),
      );
      this.flushOutput();
      return;
    }
    if (owned) this.reader.pushOwned(bytes);
    else this.reader.push(bytes);
    this.pump();
  }

  /** True while an async hook (session store, selectContext, ...) holds the read path. */
  get suspended(): boolean {
    return this.busy;
  }
  /** Input bytes received and not yet processed (the record reader's queue). */
  get bufferedInput(): number {
    return this.reader.buffered;
  }
  /** The bound on bufferedInput while suspended (see EngineOptions.pendingInputLimit). */
  get pendingInputLimit(): number {
    return this.options.pendingInputLimit ?? DEFAULT_PENDING_INPUT_LIMIT;
  }

  /** Sends application data. Throws (an application error, not a peer one) when not connected. */
  write(data: Uint8Array): void {
    if (this.phase !== 'open' || this.sentCloseNotify) {
      throw new TLSError('ERR_TLS_NOT_CONNECTED', `cannot write application data: connection is ${this.sentCloseNotify ? 'closing' : this.phase}`);
    }
    if (data.length === 0) return;
    const split = this.splitRecords && this.writeProtection.blockSize > 0;
    // All records of one write are sealed into one array, with one cipher call (record/protection.ts sealRecords).
    const pieces = splitApplicationData(data, this.sendFragment, split);
    this.outQueue.push(this.writeProtection.sealRecords(ContentType.application_data, TLS_1_0, pieces));
    this.flushOutput();
  }

  /** Sends close_notify (once). The peer's close_notify then ends the connection. */
  close(): void {
    if (this.sentCloseNotify || this.phase === 'failed' || this.phase === 'idle') {
      if (this.phase === 'idle') this.phase = 'closed';
      return;
    }
    this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.sentCloseNotify = true;
    if (this.receivedCloseNotify || this.phase === 'handshaking') this.phase = 'closed';
    this.flushOutput();
  }

  get handshakeComplete(): boolean {
    return this.established !== null;
  }
  /** RFC 5705 exporter over the last completed handshake (node:tls's exportKeyingMaterial). */
  exportKeyingMaterial(length: number, label: string, context?: ArrayBufferView): Uint8Array {
    checkExporterArguments(length, label, context);
    const inputs = this.established?.exporterInputs;
    if (!inputs) throw new TLSError('ERR_TLS_INVALID_STATE', 'TLS socket connection must be securely established');
    return exportKeyingMaterial(inputs, length, label, context, this.provider);
  }
  get closed(): boolean {
    return this.phase === 'closed' || this.phase === 'failed';
  }
  get protocol(): 'TLSv1' | null {
    return this.established ? 'TLSv1' : null;
  }
  /** Reports the last completed handshake while a renegotiation runs. */
  private get current(): HandshakeFlow {
    return this.established ?? this.flow;
  }
  get cipherSuite(): CipherSuite | null {
    return this.current.suite;
  }
  get peerCertificates(): readonly Uint8Array[] {
    return this.current.peerCertificates;
  }
  get session(): SessionData | null {
    return this.current.session;
  }
  get resumed(): boolean {
    return this.current.resumed;
  }
  get finished(): Uint8Array | null {
    return this.current.ownFinished;
  }
  get peerFinished(): Uint8Array | null {
    return this.current.peerFinished;
  }
  get servername(): string | null {
    return this.current.servername;
  }
  /** Server side: the context (certificate chain, key) of the handshake in progress or last completed. */
  get serverContext(): ServerContext | null {
    const flow = this.current;
    return flow instanceof ServerFlow ? flow.selectedContext : null;
  }
  get peerVerdict(): CertificateVerdict | null {
    return this.current.peerVerdict;
  }
  /**
   * Server side (TS 33.141 6.1.4): attach the application's own authentication record (e.g. the
   * identity authenticated through GBA / HTTP Digest) to this connection's session, so it comes back
   * on a resumed connection. May return a Promise when the session store is asynchronous.
   */
  setAuthRecord(data: Uint8Array): void | Promise<void> {
    if (!(this.current instanceof ServerFlow)) throw new TLSError('ERR_TLS_INVALID_STATE', 'setAuthRecord is for the server side');
    return this.current.setAuthRecord(data);
  }

  /** Server side: the session's authentication record, and whether it must be checked again (resumed). */
  get authRecord(): { data: Uint8Array; needsReauthentication: boolean } | null {
    return this.current instanceof ServerFlow ? this.current.authRecord : null;
  }

  /** Client side: the server's ephemeral key of the last handshake (DHE: the prime's bits), or null. */
  get ephemeralKey(): EphemeralKeyInfo | null {
    const flow = this.current;
    return flow instanceof ClientFlow ? flow.ephemeralKey : null;
  }
  /** RFC 3546 3.6: the OCSP response the server stapled (client side), or null. */
  get ocspResponse(): Uint8Array | null {
    return this.current.ocspResponse;
  }
  /** RFC 7301: the application protocol the server selected, or null. */
  get alpnProtocol(): string | null {
    return this.current.agreement.alpnProtocol ?? null;
  }
  /**
   * What the hellos agreed (or, resumed, what the session keeps): RFC 7627, RFC 7366, RFC 7301, and
   * RFC 5077 (`sessionTicket`: the ServerHello promised a NewSessionTicket in this handshake).
   */
  get agreement(): AgreedFacts {
    const a = this.current.agreement;
    return {
      extendedMasterSecret: a.extendedMasterSecret === true,
      encryptThenMac: a.encryptThenMac === true,
      alpnProtocol: a.alpnProtocol ?? null,
      sessionTicket: a.acked.has(SESSION_TICKET_EXTENSION),
    };
  }
  /** Both sides signalled RFC 5746 secure renegotiation. */
  get secureRenegotiation(): boolean {
    return this.current.secureRenegotiation;
  }
  /** True while a renegotiation handshake runs over the established connection. */
  get renegotiating(): boolean {
    return this.established !== null && this.flow !== this.established;
  }

  /**
   * Starts a secure renegotiation (RFC 5746): the client sends a new ClientHello, the server a
   * HelloRequest. Only with `renegotiation: 'secure'` and when both sides signalled support.
   */
  renegotiate(): void {
    if (this.renegotiationDisabled) throw renegotiationDisabled();
    if (this.phase !== 'open' || this.sentCloseNotify) throw new TLSError('ERR_TLS_NOT_CONNECTED', 'cannot renegotiate: connection is not open');
    if (this.options.renegotiation !== 'secure') throw new TLSError('ERR_TLS_RENEGOTIATION_DISABLED', "renegotiation needs the option renegotiation: 'secure'");
    if (!this.current.secureRenegotiation) {
      throw new TLSError('ERR_TLS_RENEGOTIATION_DISABLED', 'the peer did not signal RFC 5746 secure renegotiation; insecure renegotiation is never done');
    }
    if (this.renegotiating) return;
    this.guard(() => {
      if (this.isServer) {
        this.handshakeOut.push(encodeHandshake(HandshakeType.hello_request, new Uint8Array(0)));
      } else {
        this.beginRenegotiation().start();
      }
    });
    this.flushOutput();
  }

  /**
   * util.inspect / console.log show a summary, never the keys, master secret or sessions held inside
   * (design rule: secrets leave only through the keylog event and the session the application asks
   * for). Symbol.for, not node:util: the engine imports no node: module.
   */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return {
      isServer: this.isServer,
      phase: this.phase,
      protocol: this.protocol,
      cipherSuite: this.cipherSuite?.name ?? null,
      resumed: this.resumed,
      servername: this.servername,
    };
  }

  // ---- services for the flows (internal) -----------------------------------------------------

  /** @internal Queues a handshake message (and adds it to the transcript). */
  sendHandshake(type: number, body: Uint8Array): void {
    const raw = encodeHandshake(type, body);
    this.transcript.add(raw);
    this.handshakeOut.push(raw);
  }

  /** @internal Installs the keys that the next ChangeCipherSpec (each direction) makes current. */
  setPendingStates(states: PendingStates): void {
    this.pendingRead = states.read;
    this.pendingWrite = states.write;
  }

  /** @internal Flushes queued handshake messages, sends ChangeCipherSpec, and switches the write state. */
  sendChangeCipherSpec(): void {
    if (!this.pendingWrite) throw new Error('engine bug: ChangeCipherSpec without pending state');
    this.flushHandshake();
    this.outQueue.push(this.writeProtection.seal(ContentType.change_cipher_spec, TLS_1_0, encodeChangeCipherSpec()));
    this.writeProtection = this.pendingWrite;
    this.pendingWrite = null;
  }

  /** @internal Packs queued handshake messages into as few records as the fragment limit allows. */
  flushHandshake(): void {
    if (this.handshakeOut.length === 0) return;
    const all = this.handshakeOut.length === 1 ? this.handshakeOut[0]! : concatBytes(...this.handshakeOut);
    this.handshakeOut = [];
    for (const piece of fragment(all, this.sendFragment)) {
      this.outQueue.push(this.writeProtection.seal(ContentType.handshake, TLS_1_0, piece));
    }
  }

  /** @internal Records from now on must carry TLS 1.0's version. */
  lockVersion(): void {
    this.versionLocked = true;
  }

  /**
   * node:tls disableRenegotiation(): from now on a renegotiation the peer starts (HelloRequest, or a
   * ClientHello on an open connection) fails the connection with ERR_TLS_RENEGOTIATION_DISABLED (no
   * alert, as node:tls), even with renegotiation: 'secure'; renegotiate() throws that error.
   */
  disableRenegotiation(): void {
    this.renegotiationDisabled = true;
  }
  private renegotiationDisabled = false;

  /**
   * node:tls setMaxSendFragment(): the largest plaintext of the records we send from now on, 512 to
   * 16384 (OpenSSL's bounds); false (and nothing changed) outside them. The negotiated
   * max_fragment_length (RFC 3546 3.2) still caps it.
   */
  setMaxSendFragment(size: number): boolean {
    if (!Number.isInteger(size) || size < 512 || size > MAX_PLAINTEXT) return false;
    this.sendFragmentLimit = size;
    return true;
  }
  private sendFragmentLimit = MAX_PLAINTEXT;
  /** The fragment size of what we send: the negotiated limit and setMaxSendFragment()'s. */
  private get sendFragment(): number {
    return Math.min(this.maxFragment, this.sendFragmentLimit);
  }

  /** @internal RFC 3546 3.2 */
  setMaxFragment(length: number): void {
    this.maxFragment = length;
    this.reader.maxCiphertextLength = length + 2048;
    this.readProtection.maxPlaintextLength = length;
    if (this.pendingRead) this.pendingRead.maxPlaintextLength = length;
  }

  /** @internal The handshake finished (both Finished messages checked). */
  handshakeDone(): void {
    this.flushHandshake();
    const renegotiation = this.established !== null;
    // Issue 21 item 8: a later fatal alert voids every session of this connection, not only the newest.
    if (this.established && this.established !== this.flow) this.superseded.push(this.established);
    this.established = this.flow;
    // The handshake messages are no longer needed (a renegotiation starts a new transcript).
    this.transcript = new Transcript();
    if (this.phase === 'handshaking') this.phase = 'open';
    if (renegotiation) this.events.renegotiated?.();
    else this.events.handshakeComplete();
  }

  /** A new flow over the established connection, knowing the previous Finished values (RFC 5746 3.5). */
  private beginRenegotiation(): HandshakeFlow {
    const previous = this.current.verifyData;
    if (!previous) throw new Error('engine bug: renegotiation before a completed handshake');
    this.transcript = new Transcript();
    this.flow = this.options.isServer === true ? new ServerFlow(this, this.options, previous) : new ClientFlow(this, this.options, previous);
    return this.flow;
  }

  /** @internal A warning alert (e.g. no_renegotiation). */
  warn(description: number): void {
    this.sendAlert(AlertLevel.warning, description);
  }

  // ---- the read path -------------------------------------------------------------------------

  /** Processes everything buffered, one record or handshake message at a time, pausing for async hooks. */
  private pump(): void {
    while (!this.busy && this.phase !== 'failed' && this.phase !== 'closed' && !this.receivedCloseNotify) {
      const ok = this.guard(() => {
        const message = this.reassembler.next();
        if (message) return this.dispatchHandshake(message);
        const record = this.reader.next();
        if (!record) return 'drained' as const;
        return this.handleRecord(record);
      });
      if (ok === 'drained' || ok === 'failed') break;
      if (ok instanceof Promise) {
        this.busy = true;
        ok.then(
          () => {
            this.busy = false;
            this.flushOutput();
            this.pump();
            // A connection that failed on the queued input is dead: no event after its error (fuzz finding).
            if (!this.busy && this.phase !== 'failed') this.events.inputResumed?.();
          },
          (err: unknown) => {
            this.busy = false;
            this.fail(err);
            this.flushOutput();
          },
        );
        break;
      }
    }
    this.flushOutput();
  }

  private handleRecord(record: TLSRecord | SSLv2HelloRecord): void | Promise<void> {
    if (record.type === 'sslv2-client-hello') {
      return this.flow.handleSSLv2Hello(record.body);
    }
    if (this.versionLocked && record.version !== TLS_1_0) {
      throw new TLSAlertError(AlertDescription.protocol_version, `RFC 2246 6.2.1: record version 0x${record.version.toString(16)} after TLS 1.0 was agreed`);
    }
    const plaintext = this.readProtection.open(record);
    if (record.type !== ContentType.alert) this.warningsInARow = 0;
    if (plaintext.length > 0) this.emptyInARow = 0;
    else if (++this.emptyInARow > MAX_EMPTY_RECORDS_IN_A_ROW) {
      throw new TLSAlertError(AlertDescription.unexpected_message, `ut-tls: more than ${MAX_EMPTY_RECORDS_IN_A_ROW} empty records in a row (OpenSSL's limit)`);
    }
    switch (record.type) {
      case ContentType.handshake:
        if (plaintext.length === 0) {
          throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 5246 6.2.1: zero-length handshake record');
        }
        this.reassembler.push(plaintext);
        return;
      case ContentType.change_cipher_spec:
        return this.handleChangeCipherSpec(plaintext);
      case ContentType.alert:
        return this.handleAlerts(plaintext);
      case ContentType.application_data:
        // After our close_notify the phase stays 'open' until the peer answers, so data still arrives.
        if (this.phase !== 'open') {
          throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 7.4: application data before the handshake finished');
        }
        // During a renegotiation data may come between (even inside fragmented) handshake messages
        // under the old keys, but never between ChangeCipherSpec and Finished (RFC 2246 7.4.9).
        if (this.flow.awaitingFinished) {
          throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 7.4.9: application data between ChangeCipherSpec and Finished');
        }
        if (plaintext.length > 0) this.events.data(plaintext);
        return;
      default:
        throw new TLSAlertError(AlertDescription.unexpected_message, `unknown content type ${record.type}`);
    }
  }

  private dispatchHandshake(message: RawHandshakeMessage): void | Promise<void> {
    if (message.type === HandshakeType.hello_request) {
      // RFC 2246 7.4.1.1: not part of the transcript; ignored while negotiating.
      if (this.isServer) throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 7.4.1.1: HelloRequest sent to a server');
      if (message.body.length !== 0) throw new TLSAlertError(AlertDescription.decode_error, 'RFC 2246 7.4.1.1: HelloRequest with a body');
      if (this.flow.complete) {
        if (this.renegotiationDisabled) throw renegotiationDisabled();
        if (this.mayRenegotiate()) this.beginRenegotiation().start();
        else this.warn(AlertDescription.no_renegotiation);
      }
      return;
    }
    if (this.flow.complete) {
      if (this.isServer && message.type === HandshakeType.client_hello) {
        if (this.renegotiationDisabled) throw renegotiationDisabled();
        if (this.mayRenegotiate()) {
          const flow = this.beginRenegotiation();
          this.transcript.add(message.raw);
          return flow.handleMessage(message);
        }
        // Renegotiation refused (RFC 2246 7.2.2: no_renegotiation is a warning); insecure renegotiation never happens.
        this.warn(AlertDescription.no_renegotiation);
        return;
      }
      throw new TLSAlertError(AlertDescription.unexpected_message, `RFC 2246 7.4: ${handshakeTypeName(message.type)} after the handshake finished`);
    }
    this.transcript.add(message.raw);
    return this.flow.handleMessage(message);
  }

  /** RFC 5746: only when configured and only when the first handshake signalled secure renegotiation. */
  private mayRenegotiate(): boolean {
    return this.options.renegotiation === 'secure' && this.current.secureRenegotiation && this.phase === 'open' && !this.sentCloseNotify;
  }

  private handleChangeCipherSpec(plaintext: Uint8Array): void {
    if (!isValidChangeCipherSpec(plaintext)) {
      // unexpected_message, not decode_error: what tlsfuzzer's test-ccs expects (and OpenSSL sends).
      throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 7.1: ChangeCipherSpec must be the single byte 1');
    }
    if (!this.flow.expectsChangeCipherSpec || !this.pendingRead || this.reassembler.pending) {
      throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 7.4: ChangeCipherSpec out of place');
    }
    this.readProtection = this.pendingRead;
    this.readProtection.maxPlaintextLength = this.maxFragment;
    this.pendingRead = null;
    this.flow.onChangeCipherSpec();
  }

  private handleAlerts(plaintext: Uint8Array): void {
    for (const alert of decodeAlerts(plaintext)) {
      if (alert.description === AlertDescription.close_notify) {
        this.receivedCloseNotify = true;
        if (this.phase === 'handshaking') {
          // A close during the handshake: the session can never be resumed.
          this.flow.onFatal();
        }
        // Answered at once, unless the application asked to answer itself (deferCloseNotify: the
        // socket layer answers when its writable side ends, so replies already written still go out).
        if (this.phase !== 'open' || !this.deferCloseNotify || this.sentCloseNotify) {
          if (!this.sentCloseNotify) {
            this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
            this.sentCloseNotify = true;
          }
          this.phase = 'closed';
        }
        this.flushOutput();
        this.events.peerClosed();
        return;
      }
      if (alert.level === AlertLevel.fatal) {
        throw new TLSAlertError(alert.description, `received fatal ${alertName(alert.description)}`, { sent: false });
      }
      // A flood of warnings is a denial-of-service pattern (CVE-2016-8610): OpenSSL stops at 5 in a row.
      if (++this.warningsInARow > MAX_WARNINGS_IN_A_ROW) {
        throw new TLSAlertError(AlertDescription.unexpected_message, `too many warning alerts in a row (more than ${MAX_WARNINGS_IN_A_ROW})`);
      }
      if (this.phase === 'handshaking' && alert.description === AlertDescription.no_renegotiation) {
        // A server refusing our first handshake this way makes no sense; treat it as fatal.
        throw new TLSAlertError(alert.description, 'no_renegotiation during the initial handshake', { sent: false });
      }
      this.events.warning?.(alert.description);
    }
  }

  // ---- the write path and failure ------------------------------------------------------------

  private sendAlert(level: number, description: number): void {
    this.flushHandshake();
    this.outQueue.push(this.writeProtection.seal(ContentType.alert, TLS_1_0, encodeAlert(level, description)));
  }

  private flushOutput(): void {
    if (this.handshakeOut.length > 0 && this.phase !== 'failed') this.flushHandshake();
    if (this.outQueue.length === 0) return;
    const chunk = this.outQueue.length === 1 ? this.outQueue[0]! : concatBytes(...this.outQueue);
    this.outQueue.length = 0;
    this.events.output(chunk);
  }

  /** Runs a step; turns any exception into the fatal path. Returns 'failed' if it failed. */
  private guard<T>(step: () => T): T | 'failed' {
    try {
      return step();
    } catch (err) {
      this.fail(err);
      return 'failed';
    }
  }

  /** The one fatal path: alert out (if ours), session invalidated, one error event. */
  private fail(err: unknown): void {
    if (this.phase === 'failed') return;
    const error = toTLSError(err);
    this.handshakeOut = [];
    if (error instanceof TLSAlertError && error.sent && !this.sentCloseNotify) {
      // RFC 3546 4: the extension alerts (110-114) only to a peer that sent an extended hello.
      const alert = EXTENSION_ALERTS.has(error.alert) && !this.flow.peerSentExtendedHello ? AlertDescription.handshake_failure : error.alert;
      try {
        this.outQueue.push(this.writeProtection.seal(ContentType.alert, TLS_1_0, encodeAlert(AlertLevel.fatal, alert)));
      } catch {
        // Nothing more can be said to the peer.
      }
    }
    this.phase = 'failed';
    this.flow.onFatal();
    if (this.established && this.established !== this.flow) this.established.onFatal();
    for (const flow of this.superseded) flow.onFatal();
    this.superseded.length = 0;
    this.flushOutput();
    this.events.error(error);
  }
}

function renegotiationDisabled(): TLSError {
  return new TLSError('ERR_TLS_RENEGOTIATION_DISABLED', 'TLS session renegotiation disabled for this socket (disableRenegotiation())');
}

/** Maps anything thrown while handling peer input to the error the application sees. */
function toTLSError(err: unknown): TLSError {
  if (err instanceof TLSError) return err;
  if (err instanceof DecodeError) return new TLSAlertError(AlertDescription.decode_error, `RFC 2246 4: ${err.message}`, { cause: err });
  return new TLSAlertError(AlertDescription.internal_error, `internal error: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

