/**
 * The client (UE) handshake, one state per expected message (RFC 2246 7.3):
 *
 *   ClientHello                  -->
 *                                <--  ServerHello
 *                                     Certificate
 *                                     ServerKeyExchange*   (DHE_RSA)
 *                                     CertificateRequest*
 *                                <--  ServerHelloDone
 *   Certificate*  (empty for a UE without one, TS 33.141 6.1.4)
 *   ClientKeyExchange
 *   CertificateVerify*
 *   [ChangeCipherSpec]
 *   Finished                     -->
 *                                <--  [ChangeCipherSpec] Finished
 *
 * Resumption: ClientHello(session_id) --> ServerHello(same id), [CCS], Finished <-- ; [CCS], Finished -->
 */
import { AlertDescription } from '../alerts.js';
import { dhSharedSecret, generateDhKeyPair, validateDhParams, validateDhPublic, type DhGroup } from '../crypto/dh.js';
import { masterSecret } from '../crypto/prf.js';
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/provider.js';
import { pkcs1Encrypt, signTls, verifyTls } from '../crypto/rsa.js';
import { TLSAlertError } from '../errors.js';
import { encodeCertificate, decodeCertificate } from '../messages/certificate.js';
import { decodeCertificateRequest } from '../messages/certificate-request.js';
import { encodeCertificateVerify } from '../messages/certificate-verify.js';
import { encodeClientHello, type ClientHello } from '../messages/client-hello.js';
import { encodeDhClientKeyExchange, encodeRsaClientKeyExchange } from '../messages/client-key-exchange.js';
import { encodeFinished, decodeFinished } from '../messages/finished.js';
import { decodeCertificateStatus } from '../messages/certificate-status.js';
import { encodeCertificateUrl } from '../messages/certificate-url.js';
import { checkServerAck, requestedExtensions } from './client-extensions.js';
import { decodeServerHello, type ServerHello } from '../messages/server-hello.js';
import { decodeDheServerKeyExchange, type ServerDHParams } from '../messages/server-key-exchange.js';
import { ClientCertificateType, HandshakeType } from '../messages/types.js';
import { ExtensionType, type Extension } from '../messages/extensions/types.js';
import { encodeServerNameList, isValidHostName } from '../messages/extensions/server-name.js';
import { decodeRenegotiationInfo, encodeRenegotiationInfo } from '../messages/extensions/renegotiation-info.js';
import { resolveSuites } from '../policy/suite-selection.js';
import { TLS_1_0 } from '../record/constants.js';
import type { RawHandshakeMessage } from '../record/handshake-reassembler.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, suiteById, type CipherSuite } from '../suites.js';
import { bytesEqual, concatBytes, constantTimeEqual, DecodeError } from '../util/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import type { Connection } from './connection.js';
import { HandshakeFlow } from './flow.js';
import type { ClientEngineOptions, RenegotiationContext, SessionData } from './types.js';
import { MAX_SESSION_LIFETIME_SECONDS, withinLifetime } from '../policy/session-lifetime.js';
import { NEW_SESSION_TICKET, SESSION_TICKET_EXTENSION, decodeNewSessionTicket, sessionTicketExtension } from './session-ticket.js';

type ClientState =
  | 'START'
  | 'WAIT_SERVER_HELLO'
  | 'WAIT_CERTIFICATE'
  | 'WAIT_CERTIFICATE_STATUS'
  | 'WAIT_SERVER_KEY_EXCHANGE'
  | 'WAIT_CERTIFICATE_REQUEST_OR_DONE'
  | 'WAIT_SERVER_HELLO_DONE'
  | 'WAIT_CHANGE_CIPHER_SPEC'
  | 'WAIT_FINISHED'
  | 'DONE';

export class ClientFlow extends HandshakeFlow {
  private state: ClientState = 'START';
  private readonly suites: CipherSuite[];
  private offeredSession: SessionData | null = null;
  private sentExtensions = new Set<number>();
  private serverPublicKey: RsaPublicKey | null = null;
  private dhParams: ServerDHParams | null = null;
  private dhGroup: DhGroup | null = null;
  private certificateRequested = false;
  /** Extensions the server answered (RFC 3546 2.3: a subset of what we sent). */
  private readonly acked = new Set<number>();
  private serverExtended = false;
  private truncatedHmac = false;
  private maxFragmentLength: number | undefined;
  private readonly requested: Extension[];
  private clientCertificateTypes: number[] = [];
  /** RFC 5077: a ticket arrived in this handshake (a resumed session then is a new one to hand out). */
  private ticketReceived = false;

  constructor(
    host: Connection,
    private readonly options: ClientEngineOptions,
    previous: RenegotiationContext | null = null,
  ) {
    super(host, previous);
    this.suites = resolveSuites(options.cipherSuites, 'client', { allowNullEncryption: options.allowNullEncryption });
    // Checked here so a bad option is a TLSConfigError at construction, not at start().
    this.requested = requestedExtensions(options);
    if ((options.certificateChain?.length ?? 0) > 0 && !options.privateKey) {
      throw new TypeError('a client certificate needs its privateKey');
    }
  }

  get awaitingFinished(): boolean {
    return this.state === 'WAIT_FINISHED';
  }

  get expectsChangeCipherSpec(): boolean {
    return this.state === 'WAIT_CHANGE_CIPHER_SPEC';
  }

  start(): void {
    this.clientRandom = this.host.provider.random(32);
    // A renegotiation is always a full handshake here (no session offered).
    const session = this.previous ? null : this.usableSession();
    this.offeredSession = session;
    const extensions: Extension[] = [];
    const name = this.options.servername;
    if (name && isValidHostName(name)) {
      extensions.push({ type: ExtensionType.server_name, data: encodeServerNameList([name]) });
    }
    extensions.push(...this.requested);
    if (this.options.sessionTickets && !this.previous) extensions.push(sessionTicketExtension(session?.ticket));
    if (this.previous) {
      // RFC 5746 3.5: a renegotiating ClientHello carries client_verify_data, never the SCSV.
      extensions.push({ type: ExtensionType.renegotiation_info, data: encodeRenegotiationInfo(this.previous.clientVerifyData) });
    }
    this.sentExtensions = new Set(extensions.map((e) => e.type));
    const suiteIds = this.suites.map((s) => s.id);
    const hello: ClientHello = {
      version: TLS_1_0,
      random: this.clientRandom,
      sessionId: session ? session.id : new Uint8Array(0),
      // RFC 5746 3.4: signal secure renegotiation with the SCSV (works with extension-intolerant servers).
      cipherSuites: this.previous ? suiteIds : [...suiteIds, TLS_EMPTY_RENEGOTIATION_INFO_SCSV],
      compressionMethods: [0],
      extensions: extensions.length > 0 ? extensions : null,
    };
    this.host.sendHandshake(HandshakeType.client_hello, encodeClientHello(hello));
    this.state = 'WAIT_SERVER_HELLO';
  }

  /** The offered session, if it is still valid for this connection (TS 33.141 7.1, RFC 2246 7.4.1.2). */
  private usableSession(): SessionData | null {
    const s = this.options.session;
    if (!s || s.id.length === 0 || s.id.length > 32) return null;
    if (!withinLifetime(s.createdAt, s.lifetime, this.host.now(), MAX_SESSION_LIFETIME_SECONDS)) return null;
    if (!this.suites.some((x) => x.id === s.cipherSuite)) return null;
    if ((s.servername ?? null) !== (this.options.servername ?? null) && s.servername !== undefined) return null;
    return s;
  }

  override get peerSentExtendedHello(): boolean {
    return this.serverExtended;
  }

  handleMessage(message: RawHandshakeMessage): void {
    switch (this.state) {
      case 'WAIT_SERVER_HELLO':
        if (message.type !== HandshakeType.server_hello) return this.unexpected(message, this.state);
        return this.onServerHello(decodeServerHello(message.body));
      case 'WAIT_CERTIFICATE':
        if (message.type !== HandshakeType.certificate) return this.unexpected(message, this.state);
        return this.onCertificate(decodeCertificate(message.body));
      case 'WAIT_CERTIFICATE_STATUS':
        // RFC 3546 3.6: after an acknowledged status_request the server MAY send CertificateStatus.
        this.state = this.afterCertificateState();
        if (message.type === HandshakeType.certificate_status) return this.onCertificateStatus(message.body);
        return this.handleMessage(message);
      case 'WAIT_SERVER_KEY_EXCHANGE':
        if (message.type !== HandshakeType.server_key_exchange) return this.unexpected(message, this.state);
        return this.onServerKeyExchange(message.body);
      case 'WAIT_CERTIFICATE_REQUEST_OR_DONE':
        if (message.type === HandshakeType.certificate_request) {
          const request = decodeCertificateRequest(message.body);
          this.certificateRequested = true;
          this.clientCertificateTypes = request.certificateTypes;
          this.state = 'WAIT_SERVER_HELLO_DONE';
          return;
        }
        if (message.type === HandshakeType.server_hello_done) return this.onServerHelloDone(message.body);
        return this.unexpected(message, this.state);
      case 'WAIT_SERVER_HELLO_DONE':
        if (message.type !== HandshakeType.server_hello_done) return this.unexpected(message, this.state);
        return this.onServerHelloDone(message.body);
      case 'WAIT_FINISHED':
        if (message.type !== HandshakeType.finished) return this.unexpected(message, this.state);
        return this.onFinished(message.body);
      case 'WAIT_CHANGE_CIPHER_SPEC':
        // RFC 5077 3.3: NewSessionTicket comes before the server's ChangeCipherSpec, once, if acknowledged.
        if (message.type === NEW_SESSION_TICKET && this.acked.has(SESSION_TICKET_EXTENSION) && !this.ticketReceived) {
          return this.onNewSessionTicket(message.body);
        }
        return this.unexpected(message, this.state);
      case 'START':
      case 'DONE':
        return this.unexpected(message, this.state);
    }
  }

  private onServerHello(hello: ServerHello): void {
    this.host.lockVersion();
    if (hello.version !== TLS_1_0) {
      throw new TLSAlertError(AlertDescription.protocol_version, `TS 33.141 6: server chose version 0x${hello.version.toString(16)}, only TLS 1.0 is allowed`);
    }
    const suite = suiteById(hello.cipherSuite);
    if (!suite || !this.suites.includes(suite)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 2246 7.4.1.3: server chose suite 0x${hello.cipherSuite.toString(16)} that was not offered`);
    }
    if (hello.compressionMethod !== 0) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 2246 7.4.1.3: server chose a compression method that was not offered');
    }
    this.checkServerExtensions(hello.extensions);
    this.serverRandom = hello.random;
    this.suite = suite;
    const offered = this.offeredSession;
    if (offered && hello.sessionId.length > 0 && bytesEqual(hello.sessionId, offered.id)) {
      // Abbreviated handshake (RFC 2246 7.3, Fig. 2): same suite, keys from the cached master secret.
      if (offered.cipherSuite !== suite.id) {
        throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 2246 7.4.1.3: resumed session with a different cipher suite');
      }
      this.resumed = true;
      this.session = offered;
      this.peerCertificates = offered.peerCertificates;
      // RFC 3546 3.2 / 3.5: the session's values hold for its resumptions.
      this.maxFragmentLength = offered.maxFragmentLength;
      this.truncatedHmac = offered.truncatedHmac === true;
      if (this.maxFragmentLength) this.host.setMaxFragment(this.maxFragmentLength);
      this.installKeys(offered.masterSecret, { truncatedMac: this.truncatedHmac });
      this.state = 'WAIT_CHANGE_CIPHER_SPEC';
      return;
    }
    if (this.acked.has(ExtensionType.max_fragment_length)) {
      this.maxFragmentLength = this.options.maxFragmentLength;
      this.host.setMaxFragment(this.maxFragmentLength!);
    }
    this.truncatedHmac = this.acked.has(ExtensionType.truncated_hmac);
    this.session = {
      id: hello.sessionId,
      masterSecret: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      createdAt: this.host.now(),
      lifetime: MAX_SESSION_LIFETIME_SECONDS,
      ...(this.options.servername ? { servername: this.options.servername } : {}),
      ...(this.maxFragmentLength ? { maxFragmentLength: this.maxFragmentLength } : {}),
      ...(this.truncatedHmac ? { truncatedHmac: true } : {}),
      peerCertificates: [],
    };
    this.state = 'WAIT_CERTIFICATE';
  }

  /** RFC 3546 2.3: only extensions we asked for; RFC 5746: renegotiation_info is always allowed (we sent the SCSV). */
  private checkServerExtensions(extensions: Extension[] | null): void {
    this.serverExtended = extensions !== null;
    let sawRenegotiationInfo = false;
    for (const ext of extensions ?? []) {
      if (ext.type === ExtensionType.renegotiation_info) {
        const value = decodeRenegotiationInfo(ext.data);
        const expected = this.previous ? concatBytes(this.previous.clientVerifyData, this.previous.serverVerifyData) : new Uint8Array(0);
        if (!constantTimeEqual(value, expected)) {
          throw new TLSAlertError(
            AlertDescription.handshake_failure,
            this.previous ? 'RFC 5746 3.5: renegotiation_info does not match the previous Finished values' : 'RFC 5746 3.4: non-empty renegotiation_info in the initial handshake',
          );
        }
        this.secureRenegotiation = true;
        sawRenegotiationInfo = true;
        continue;
      }
      if (!this.sentExtensions.has(ext.type)) {
        throw new TLSAlertError(AlertDescription.unsupported_extension, `RFC 3546 2.3: server sent extension ${ext.type} that the client did not offer`);
      }
      checkServerAck(ext, this.options);
      this.acked.add(ext.type);
    }
    if (this.previous && !sawRenegotiationInfo) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 5746 3.5: renegotiating server did not send renegotiation_info');
    }
  }

  private onCertificate(chain: Uint8Array[]): void {
    if (chain.length === 0) {
      throw new TLSAlertError(AlertDescription.handshake_failure, 'RFC 2246 7.4.2: the server sent no certificate for an RSA key exchange');
    }
    let leaf;
    try {
      leaf = parseCertificate(chain[0]!);
    } catch (err) {
      throw new TLSAlertError(AlertDescription.bad_certificate, `RFC 2246 7.4.2: server certificate does not parse`, { cause: err });
    }
    if (leaf.publicKey.algorithm !== 'rsa') {
      throw new TLSAlertError(AlertDescription.unsupported_certificate, 'RFC 2246 7.4.2: the suite needs an RSA server certificate');
    }
    this.serverPublicKey = leaf.publicKey.rsa;
    this.peerCertificates = chain;
    const verdict = this.options.verifyPeer ? this.options.verifyPeer(chain) : { authorized: false, code: 'NO_VERIFIER' };
    this.peerVerdict = verdict;
    if (!verdict.authorized && this.options.rejectUnauthorized !== false && this.options.verifyPeer) {
      throw new TLSAlertError(verdict.alert ?? AlertDescription.bad_certificate, `${verdict.code ?? 'certificate rejected'}: ${verdict.message ?? ''}`.trim());
    }
    this.state = this.acked.has(ExtensionType.status_request) ? 'WAIT_CERTIFICATE_STATUS' : this.afterCertificateState();
  }

  private afterCertificateState(): ClientState {
    return this.suite!.keyExchange === 'DHE_RSA' ? 'WAIT_SERVER_KEY_EXCHANGE' : 'WAIT_CERTIFICATE_REQUEST_OR_DONE';
  }

  /** RFC 3546 3.6: the stapled OCSP response; checked only through the application's verifyOCSP. */
  private onCertificateStatus(body: Uint8Array): void {
    const status = decodeCertificateStatus(body);
    this.ocspResponse = status.response;
    const verify = this.options.verifyOCSP;
    if (!verify) return;
    let ok = false;
    try {
      ok = verify(status.response, this.peerCertificates);
    } catch (err) {
      throw new TLSAlertError(AlertDescription.bad_certificate_status_response, `RFC 3546 3.6: OCSP response rejected: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    if (!ok) throw new TLSAlertError(AlertDescription.bad_certificate_status_response, 'RFC 3546 3.6: OCSP response rejected');
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const ske = decodeDheServerKeyExchange(body);
    const signed = concatBytes(this.clientRandom, this.serverRandom, ske.paramsBytes);
    const digest = concatBytes(this.host.provider.hash('md5', signed), this.host.provider.hash('sha1', signed));
    if (!verifyTls(this.host.provider, this.serverPublicKey!, digest, ske.signature)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.3: ServerKeyExchange signature does not verify');
    }
    this.dhGroup = validateDhParams(ske.params.p, ske.params.g, this.options.minDHSize ?? 1024);
    validateDhPublic(this.dhGroup.p, ske.params.ys);
    this.dhParams = ske.params;
    this.state = 'WAIT_CERTIFICATE_REQUEST_OR_DONE';
  }

  private onServerHelloDone(body: Uint8Array): void {
    if (body.length !== 0) throw new DecodeError('ServerHelloDone has a body');
    const provider = this.host.provider;
    // TS 33.141 6.1.4: a UE without a certificate answers a CertificateRequest with an empty Certificate.
    let signingKey: RsaPrivateKey | null = null;
    if (this.certificateRequested) {
      const chain = this.options.certificateChain ?? [];
      const rsaSign = this.clientCertificateTypes.includes(ClientCertificateType.rsa_sign) && this.options.privateKey !== undefined;
      if (rsaSign && this.options.certificateUrl && this.acked.has(ExtensionType.client_certificate_url)) {
        // RFC 3546 3.3: URLs instead of the chain; the CertificateVerify proves the key as usual.
        this.host.sendHandshake(HandshakeType.certificate_url, encodeCertificateUrl(this.options.certificateUrl));
        signingKey = this.options.privateKey!;
      } else {
        const canSign = chain.length > 0 && rsaSign;
        this.host.sendHandshake(HandshakeType.certificate, encodeCertificate(canSign ? [...chain] : []));
        if (canSign) signingKey = this.options.privateKey!;
      }
    }
    let preMaster: Uint8Array;
    if (this.suite!.keyExchange === 'DHE_RSA') {
      const group = this.dhGroup!;
      const pair = generateDhKeyPair(group, provider.random);
      preMaster = dhSharedSecret(group, pair.privateKey, this.dhParams!.ys);
      this.host.sendHandshake(HandshakeType.client_key_exchange, encodeDhClientKeyExchange(pair.publicKey));
    } else {
      // RFC 2246 7.4.7.1: client_version is the version offered in the ClientHello.
      preMaster = concatBytes(new Uint8Array([TLS_1_0 >> 8, TLS_1_0 & 0xff]), provider.random(46));
      const encrypted = pkcs1Encrypt(provider, this.serverPublicKey!, preMaster);
      this.host.sendHandshake(HandshakeType.client_key_exchange, encodeRsaClientKeyExchange(encrypted));
    }
    if (signingKey) {
      const h = this.host.transcript.hash(provider);
      this.host.sendHandshake(HandshakeType.certificate_verify, encodeCertificateVerify(signTls(provider, signingKey, h.both)));
    }
    const master = masterSecret(preMaster, this.clientRandom, this.serverRandom, this.host.provider);
    this.installKeys(master, { truncatedMac: this.truncatedHmac });
    this.session = { ...this.session!, masterSecret: master, peerCertificates: this.peerCertificates };
    this.sendFinished();
    this.state = 'WAIT_CHANGE_CIPHER_SPEC';
  }

  private sendFinished(): void {
    this.host.sendChangeCipherSpec();
    this.ownFinished = this.finishedData('client', false);
    this.host.sendHandshake(HandshakeType.finished, encodeFinished(this.ownFinished));
    this.host.flushHandshake();
  }

  onChangeCipherSpec(): void {
    this.state = 'WAIT_FINISHED';
  }

  private onFinished(body: Uint8Array): void {
    const received = decodeFinished(body);
    const expected = this.finishedData('server', true);
    if (!constantTimeEqual(received, expected)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.9: server Finished does not verify');
    }
    this.peerFinished = received;
    if (this.resumed) this.sendFinished();
    this.state = 'DONE';
    this.complete = true;
    this.host.handshakeDone();
    if ((!this.resumed || this.ticketReceived) && this.session && this.session.id.length > 0) this.host.events.session?.(this.session);
  }

  /** RFC 5077 3.3: keep the ticket with the session (a new session object when it renews a resumed one). */
  private onNewSessionTicket(body: Uint8Array): void {
    const { lifetimeHint, ticket } = decodeNewSessionTicket(body);
    this.ticketReceived = true;
    if (ticket.length === 0) return; // RFC 5077 3.3: the server chose not to issue one after all
    const session = this.session!;
    // RFC 5077 3.4: a server issuing tickets may send an empty session ID; the client makes one up
    // so the resumption can be recognised (the server echoes it when it accepts the ticket).
    const id = session.id.length > 0 ? session.id : this.host.provider.random(32);
    const lifetime = lifetimeHint > 0 ? Math.min(lifetimeHint, MAX_SESSION_LIFETIME_SECONDS) : MAX_SESSION_LIFETIME_SECONDS;
    this.session = { ...session, id, ticket, ...(this.resumed ? { createdAt: this.host.now() } : {}), lifetime };
  }

  onFatal(): void {
    // The client keeps no cache of its own: the application dropping the session object is enough,
    // but never hand out a session from a failed handshake.
    if (!this.complete) this.session = null;
  }
}
