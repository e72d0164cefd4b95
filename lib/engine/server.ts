/**
 * The server (AP) handshake, one state per expected message (RFC 2246 7.3):
 *
 *   ClientHello (or the SSLv2-compatible hello)  -->
 *                                  <--  ServerHello, Certificate, ServerKeyExchange* (DHE_RSA),
 *                                       CertificateRequest* (requestCert), ServerHelloDone
 *   Certificate* ClientKeyExchange CertificateVerify* [CCS] Finished  -->
 *                                  <--  [CCS] Finished
 *
 * Resumption: ClientHello(known id) --> ServerHello(id), [CCS], Finished <--; [CCS], Finished -->
 */
import { AlertDescription } from '../alerts.js';
import { MODP_GROUP_14, dhGroupBytes, dhSharedSecret, generateDhKeyPair, type DhGroup } from '../crypto/dh.js';
import { masterSecret } from '../crypto/prf.js';
import type { RsaPublicKey } from '../crypto/provider.js';
import { decryptPremaster, signTls, verifyTls } from '../crypto/rsa.js';
import { TLSAlertError, TLSConfigError } from '../errors.js';
import { decodeCertificate, encodeCertificate } from '../messages/certificate.js';
import { encodeCertificateRequest } from '../messages/certificate-request.js';
import { decodeCertificateVerify } from '../messages/certificate-verify.js';
import { decodeClientHello, decodeSSLv2ClientHello, type ClientHello } from '../messages/client-hello.js';
import { decodeDhClientKeyExchange, decodeRsaClientKeyExchange } from '../messages/client-key-exchange.js';
import { decodeFinished, encodeFinished } from '../messages/finished.js';
import { encodeServerHello } from '../messages/server-hello.js';
import { encodeDheServerKeyExchange, encodeServerDHParams } from '../messages/server-key-exchange.js';
import { ClientCertificateType, HandshakeType } from '../messages/types.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from '../messages/extensions/renegotiation-info.js';
import { decodeServerNameList } from '../messages/extensions/server-name.js';
import { ExtensionType, type Extension } from '../messages/extensions/types.js';
import { resolveSuites, selectServerSuite } from '../policy/suite-selection.js';
import { TLS_1_0 } from '../record/constants.js';
import type { RawHandshakeMessage } from '../record/handshake-reassembler.js';
import { MemorySessionStore } from '../session/memory-store.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, suiteById, type CipherSuite } from '../suites.js';
import { concatBytes, constantTimeEqual } from '../util/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import type { Connection } from './connection.js';
import { HandshakeFlow } from './flow.js';
import type { RenegotiationContext, ServerEngineOptions, SessionData, SessionStore } from './types.js';

type ServerState =
  | 'WAIT_CLIENT_HELLO'
  | 'WAIT_SESSION_LOOKUP'
  | 'WAIT_CLIENT_CERTIFICATE'
  | 'WAIT_CLIENT_KEY_EXCHANGE'
  | 'WAIT_CERTIFICATE_VERIFY'
  | 'WAIT_CHANGE_CIPHER_SPEC'
  | 'WAIT_FINISHED'
  | 'DONE';

/** TS 33.141 7.1: a session is obsolete after 24 hours on both sides. */
export const MAX_SESSION_TIMEOUT = 86400;

/** One in-process store per configuration object, so every connection of a server shares it. */
const defaultStores = new WeakMap<ServerEngineOptions, SessionStore>();

export class ServerFlow extends HandshakeFlow {
  private state: ServerState = 'WAIT_CLIENT_HELLO';
  private readonly suites: CipherSuite[];
  private readonly store: SessionStore;
  private readonly sessionTimeout: number;
  private clientHello: ClientHello | null = null;
  private clientPublicKey: RsaPublicKey | null = null;
  private dh: { group: DhGroup; privateKey: bigint } | null = null;
  /** The session resumed by this connection, or stored at its end: removed again on a fatal alert. */
  private storedSessionId: Uint8Array | null = null;

  constructor(
    host: Connection,
    private readonly options: ServerEngineOptions,
    previous: RenegotiationContext | null = null,
  ) {
    super(host, previous);
    if (!options.certificateChain || options.certificateChain.length === 0) throw new TLSConfigError('the server needs a certificate (cert)');
    if (!options.privateKey) throw new TLSConfigError('the server needs a private key (key)');
    this.suites = resolveSuites(options.cipherSuites, 'server', { allowNullEncryption: options.allowNullEncryption });
    const timeout = options.sessionTimeout ?? MAX_SESSION_TIMEOUT;
    if (!(timeout >= 0) || timeout > MAX_SESSION_TIMEOUT) {
      throw new TLSConfigError(`sessionTimeout ${timeout}: TS 33.141 7.1 allows at most ${MAX_SESSION_TIMEOUT} seconds`);
    }
    this.sessionTimeout = timeout;
    let store = options.sessionStore ?? defaultStores.get(options);
    if (!store) {
      store = new MemorySessionStore({ now: this.host.now });
      defaultStores.set(options, store);
    }
    this.store = store;
  }

  get expectsChangeCipherSpec(): boolean {
    return this.state === 'WAIT_CHANGE_CIPHER_SPEC';
  }

  start(): void {
    // The server speaks second.
  }

  override handleSSLv2Hello(body: Uint8Array): void | Promise<void> {
    if (this.state !== 'WAIT_CLIENT_HELLO') return super.handleSSLv2Hello(body);
    // RFC 2246 E.1: the hash covers the V2 message from msg_type on (no 2-byte record header).
    this.host.transcript.add(body);
    return this.onClientHello(decodeSSLv2ClientHello(body));
  }

  handleMessage(message: RawHandshakeMessage): void | Promise<void> {
    switch (this.state) {
      case 'WAIT_CLIENT_HELLO':
        if (message.type !== HandshakeType.client_hello) return this.unexpected(message, this.state);
        return this.onClientHello(decodeClientHello(message.body));
      case 'WAIT_CLIENT_CERTIFICATE':
        if (message.type !== HandshakeType.certificate) return this.unexpected(message, this.state);
        return this.onClientCertificate(decodeCertificate(message.body));
      case 'WAIT_CLIENT_KEY_EXCHANGE':
        if (message.type !== HandshakeType.client_key_exchange) return this.unexpected(message, this.state);
        return this.onClientKeyExchange(message.body);
      case 'WAIT_CERTIFICATE_VERIFY':
        if (message.type !== HandshakeType.certificate_verify) return this.unexpected(message, this.state);
        return this.onCertificateVerify(message.body);
      case 'WAIT_FINISHED':
        if (message.type !== HandshakeType.finished) return this.unexpected(message, this.state);
        return this.onFinished(message.body);
      case 'WAIT_SESSION_LOOKUP':
      case 'WAIT_CHANGE_CIPHER_SPEC':
      case 'DONE':
        return this.unexpected(message, this.state);
    }
  }

  private onClientHello(hello: ClientHello): void | Promise<void> {
    this.clientHello = hello;
    if (hello.version < TLS_1_0) {
      throw new TLSAlertError(AlertDescription.protocol_version, `TS 33.141 6: client offered version 0x${hello.version.toString(16)}; TLS 1.0 or later is required`);
    }
    if (!hello.compressionMethods.includes(0)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 2246 7.4.1.2: the null compression method must be offered');
    }
    this.clientRandom = hello.random;
    this.readExtensions(hello);
    this.checkRenegotiationSignal(hello);
    if (hello.sessionId.length > 0 && this.sessionTimeout > 0) {
      const found = this.store.get(hello.sessionId);
      if (found instanceof Promise) {
        this.state = 'WAIT_SESSION_LOOKUP';
        return found.then((session) => this.continueHello(hello, session));
      }
      return this.continueHello(hello, found);
    }
    return this.continueHello(hello, undefined);
  }

  private readExtensions(hello: ClientHello): void {
    for (const ext of hello.extensions ?? []) {
      switch (ext.type) {
        case ExtensionType.renegotiation_info: {
          const value = decodeRenegotiationInfo(ext.data);
          const expected = this.previous ? this.previous.clientVerifyData : new Uint8Array(0);
          if (!constantTimeEqual(value, expected)) {
            throw new TLSAlertError(
              AlertDescription.handshake_failure,
              this.previous ? 'RFC 5746 3.7: renegotiation_info does not match client_verify_data' : 'RFC 5746 3.6: non-empty renegotiation_info in the initial handshake',
            );
          }
          this.secureRenegotiation = true;
          break;
        }
        case ExtensionType.server_name: {
          const list = decodeServerNameList(ext.data);
          if (list.hostName !== undefined) this.servername = list.hostName;
          break;
        }
        default:
          // RFC 5746 3.6 / RFC 2246 7.4.1.2: unknown extensions are ignored.
          break;
      }
    }
  }

  /** RFC 5746 3.6 (initial handshake) and 3.7 (secure renegotiation). */
  private checkRenegotiationSignal(hello: ClientHello): void {
    const scsv = hello.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV);
    if (!this.previous) {
      if (scsv) this.secureRenegotiation = true;
      return;
    }
    if (scsv) throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.7: SCSV in a renegotiating ClientHello');
    if (!this.secureRenegotiation) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.7: renegotiating ClientHello without renegotiation_info');
    }
  }

  private continueHello(hello: ClientHello, cached: SessionData | undefined): void {
    const session = cached && this.resumable(cached) ? cached : undefined;
    if (session) {
      if (!hello.cipherSuites.includes(session.cipherSuite)) {
        throw new TLSAlertError(AlertDescription.illegal_parameter, "RFC 2246 7.4.1.2: resuming client no longer offers the session's cipher suite");
      }
      return this.resume(hello, session);
    }
    this.suite = selectServerSuite(hello.cipherSuites, this.suites, { requireEncryption128: this.options.requireEncryption128 });
    this.fullHandshake();
  }

  /** Unexpired (TS 33.141 7.1), a suite we still allow, and the same server name (RFC 6066 3). */
  private resumable(s: SessionData): boolean {
    const lifetime = Math.min(s.lifetime, this.sessionTimeout);
    if (this.host.now() >= s.createdAt + lifetime * 1000) return false;
    if (!this.suites.some((x) => x.id === s.cipherSuite)) return false;
    return (s.servername ?? null) === this.servername;
  }

  private serverHelloExtensions(): Extension[] | null {
    const extensions: Extension[] = [];
    // RFC 5746 3.6: always answer the signal, even though renegotiation itself is refused.
    if (this.secureRenegotiation) {
      const value = this.previous ? concatBytes(this.previous.clientVerifyData, this.previous.serverVerifyData) : new Uint8Array(0);
      extensions.push({ type: ExtensionType.renegotiation_info, data: encodeRenegotiationInfo(value) });
    }
    return extensions.length > 0 ? extensions : null;
  }

  private resume(hello: ClientHello, session: SessionData): void {
    const provider = this.host.provider;
    this.suite = suiteById(session.cipherSuite)!;
    this.serverRandom = provider.random(32);
    this.resumed = true;
    this.session = session;
    this.storedSessionId = session.id;
    this.peerCertificates = session.peerCertificates;
    this.host.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        version: TLS_1_0,
        random: this.serverRandom,
        sessionId: hello.sessionId,
        cipherSuite: session.cipherSuite,
        compressionMethod: 0,
        extensions: this.serverHelloExtensions(),
      }),
    );
    this.host.lockVersion();
    this.installKeys(session.masterSecret);
    this.sendFinished();
    this.state = 'WAIT_CHANGE_CIPHER_SPEC';
  }

  private fullHandshake(): void {
    const provider = this.host.provider;
    const suite = this.suite!;
    this.serverRandom = provider.random(32);
    const sessionId = this.sessionTimeout > 0 ? provider.random(32) : new Uint8Array(0);
    this.session = {
      id: sessionId,
      masterSecret: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      createdAt: this.host.now(),
      lifetime: this.sessionTimeout,
      ...(this.servername !== null ? { servername: this.servername } : {}),
      peerCertificates: [],
    };
    this.host.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        version: TLS_1_0,
        random: this.serverRandom,
        sessionId,
        cipherSuite: suite.id,
        compressionMethod: 0,
        extensions: this.serverHelloExtensions(),
      }),
    );
    this.host.lockVersion();
    this.host.sendHandshake(HandshakeType.certificate, encodeCertificate([...this.options.certificateChain]));
    if (suite.keyExchange === 'DHE_RSA') this.sendServerKeyExchange();
    if (this.options.requestCert) {
      this.host.sendHandshake(
        HandshakeType.certificate_request,
        encodeCertificateRequest({ certificateTypes: [ClientCertificateType.rsa_sign], certificateAuthorities: [] }),
      );
    }
    this.host.sendHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
    this.host.flushHandshake();
    this.state = this.options.requestCert ? 'WAIT_CLIENT_CERTIFICATE' : 'WAIT_CLIENT_KEY_EXCHANGE';
  }

  /** RFC 2246 7.4.3: ephemeral DH parameters signed with MD5 || SHA-1 under the certificate's RSA key. */
  private sendServerKeyExchange(): void {
    const provider = this.host.provider;
    const group = this.options.dhGroup ?? MODP_GROUP_14;
    const pair = generateDhKeyPair(group, provider.random);
    this.dh = { group, privateKey: pair.privateKey };
    const params = { ...dhGroupBytes(group), ys: pair.publicKey };
    const paramsBytes = encodeServerDHParams(params);
    const signed = concatBytes(this.clientRandom, this.serverRandom, paramsBytes);
    const digest = concatBytes(provider.hash('md5', signed), provider.hash('sha1', signed));
    this.host.sendHandshake(HandshakeType.server_key_exchange, encodeDheServerKeyExchange(params, signTls(provider, this.options.privateKey, digest)));
  }

  private onClientCertificate(chain: Uint8Array[]): void {
    if (chain.length === 0) {
      // TS 33.141 6.1.4: a UE without a certificate sends an empty Certificate; operator policy decides.
      this.peerVerdict = { authorized: false, code: 'ERR_TLS_CLIENT_CERTIFICATE_ABSENT', message: 'client sent no certificate' };
      if (this.options.rejectUnauthorized) {
        throw new TLSAlertError(AlertDescription.handshake_failure, 'TS 33.141 6.1.4: client sent no certificate and the AP requires one');
      }
      this.state = 'WAIT_CLIENT_KEY_EXCHANGE';
      return;
    }
    let leaf;
    try {
      leaf = parseCertificate(chain[0]!);
    } catch (err) {
      throw new TLSAlertError(AlertDescription.bad_certificate, 'RFC 2246 7.4.6: client certificate does not parse', { cause: err });
    }
    if (leaf.publicKey.algorithm !== 'rsa') {
      throw new TLSAlertError(AlertDescription.unsupported_certificate, 'WAP-219 6.4: client certificates must carry RSA keys');
    }
    this.clientPublicKey = leaf.publicKey.rsa;
    this.peerCertificates = chain;
    const verdict = this.options.verifyPeer
      ? this.options.verifyPeer(chain)
      : { authorized: false, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', message: 'no ca configured for client certificates', alert: AlertDescription.unknown_ca };
    this.peerVerdict = verdict;
    if (!verdict.authorized && this.options.rejectUnauthorized) {
      throw new TLSAlertError(verdict.alert ?? AlertDescription.bad_certificate, `${verdict.code ?? 'client certificate rejected'}: ${verdict.message ?? ''}`.trim());
    }
    this.state = 'WAIT_CLIENT_KEY_EXCHANGE';
  }

  private onClientKeyExchange(body: Uint8Array): void {
    const provider = this.host.provider;
    let preMaster: Uint8Array;
    if (this.suite!.keyExchange === 'DHE_RSA') {
      const yc = decodeDhClientKeyExchange(body);
      const { group, privateKey } = this.dh!;
      // dhSharedSecret checks 1 < Yc < p-1 first (illegal_parameter).
      preMaster = dhSharedSecret(group, privateKey, yc);
    } else {
      // Bleichenbacher-safe: any failure yields a random premaster and the handshake fails at Finished.
      const encrypted = decodeRsaClientKeyExchange(body);
      preMaster = decryptPremaster(provider, this.options.privateKey, encrypted, this.clientHello!.version);
    }
    const master = masterSecret(preMaster, this.clientRandom, this.serverRandom);
    this.installKeys(master);
    this.session = { ...this.session!, masterSecret: master, peerCertificates: this.peerCertificates };
    this.state = this.clientPublicKey ? 'WAIT_CERTIFICATE_VERIFY' : 'WAIT_CHANGE_CIPHER_SPEC';
  }

  private onCertificateVerify(body: Uint8Array): void {
    const signature = decodeCertificateVerify(body);
    const h = this.host.transcript.hash(this.host.provider, true);
    if (!verifyTls(this.host.provider, this.clientPublicKey!, h.both, signature)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.8: CertificateVerify signature does not verify');
    }
    this.peerVerdict = this.peerVerdict ?? { authorized: true };
    this.state = 'WAIT_CHANGE_CIPHER_SPEC';
  }

  onChangeCipherSpec(): void {
    this.state = 'WAIT_FINISHED';
  }

  private sendFinished(): void {
    this.host.sendChangeCipherSpec();
    this.ownFinished = this.finishedData('server', false);
    this.host.sendHandshake(HandshakeType.finished, encodeFinished(this.ownFinished));
    this.host.flushHandshake();
  }

  private onFinished(body: Uint8Array): void | Promise<void> {
    const received = decodeFinished(body);
    const expected = this.finishedData('client', true);
    if (!constantTimeEqual(received, expected)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.9: client Finished does not verify');
    }
    this.peerFinished = received;
    if (!this.resumed) this.sendFinished();
    this.state = 'DONE';
    this.complete = true;
    const stored = !this.resumed && this.session && this.session.id.length > 0 ? this.store.set(this.session) : undefined;
    if (!this.resumed && this.session && this.session.id.length > 0) this.storedSessionId = this.session.id;
    this.host.handshakeDone();
    if (!this.resumed && this.session && this.session.id.length > 0) this.host.events.session?.(this.session);
    return stored instanceof Promise ? stored : undefined;
  }

  onFatal(): void {
    // RFC 2246 7.2: a fatal alert invalidates the session.
    if (this.storedSessionId) {
      const id = this.storedSessionId;
      this.storedSessionId = null;
      void Promise.resolve(this.store.delete(id)).catch(() => undefined);
    }
  }
}

