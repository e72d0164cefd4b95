/**
 * The client (UE) handshake, one state per expected message (RFC 2246 7.3):
 *
 *   ClientHello                  -->
 *                                <--  ServerHello
 *                                     Certificate
 *                                     ServerKeyExchange*   (as the key exchange says: DHE_RSA)
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
import type { RsaPrivateKey, RsaPublicKey } from '../crypto/provider.js';
import { signTls } from '../crypto/rsa.js';
import { TLSAlertError } from '../errors.js';
import { assertNever } from '../util/assert-never.js';
import { keyExchangeOf, type ClientKeyExchangeHalf } from './key-exchange/index.js';
import type { EphemeralKeyInfo } from './key-exchange/types.js';
import { encodeCertificate, decodeCertificate } from '../messages/certificate.js';
import { decodeCertificateRequest } from '../messages/certificate-request.js';
import { encodeCertificateVerify } from '../messages/certificate-verify.js';
import { encodeClientHello, type ClientHello } from '../messages/client-hello.js';
import { encodeFinished, decodeFinished } from '../messages/finished.js';
import { decodeCertificateStatus } from '../messages/certificate-status.js';
import { encodeCertificateUrl } from '../messages/certificate-url.js';
import { decodeServerHello, type ServerHello } from '../messages/server-hello.js';
import { ClientCertificateType, HandshakeType } from '../messages/types.js';
import { ExtensionType, type Extension } from '../messages/extensions/types.js';
import { resolveSuites } from '../policy/suite-selection.js';
import { TLS_1_0 } from '../record/constants.js';
import type { RawHandshakeMessage } from '../record/handshake-reassembler.js';
import { TLS_EMPTY_RENEGOTIATION_INFO_SCSV, suiteById, type CipherSuite } from '../suites.js';
import { bytesEqual, constantTimeEqual, DecodeError } from '../util/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import type { FlowHost } from './flow-host.js';
import { HandshakeFlow } from './flow.js';
import { PeerVerifier } from './peer-verification.js';
import type { CertificateVerdict, ClientEngineOptions, RenegotiationContext, SessionData, SessionPeerVerification } from './types.js';
import { MAX_SESSION_LIFETIME_SECONDS, withinLifetime } from '../policy/session-lifetime.js';
import { NEW_SESSION_TICKET, SESSION_TICKET_EXTENSION, decodeNewSessionTicket } from './session-ticket.js';
import {
  agreementFromSession,
  checkClientOptions,
  checkServerAnswers,
  newAgreement,
  offerExtensions,
  recordOptionsOf,
  sessionFieldsOf,
} from './extensions/index.js';

/** What a full handshake has agreed from the ServerHello on: the suite and the session being built. */
interface Agreed {
  readonly suite: CipherSuite;
  readonly session: SessionData;
}

/**
 * One state per expected message, each carrying what it needs (so none can be entered without it):
 * from ServerHello the agreed suite and session, from Certificate the key exchange's client half,
 * from the keys the master secret that the Finished messages are computed with.
 */
export type ClientState =
  | { readonly name: 'START' }
  | { readonly name: 'WAIT_SERVER_HELLO' }
  | { readonly name: 'WAIT_CERTIFICATE'; readonly agreed: Agreed }
  | { readonly name: 'WAIT_CERTIFICATE_STATUS'; readonly agreed: Agreed }
  | { readonly name: 'WAIT_SERVER_KEY_EXCHANGE'; readonly agreed: Agreed; readonly kx: ClientKeyExchangeHalf; readonly optional: boolean }
  | { readonly name: 'WAIT_CERTIFICATE_REQUEST_OR_DONE'; readonly agreed: Agreed; readonly kx: ClientKeyExchangeHalf }
  /** After CertificateRequest: the certificate types the server accepts. */
  | { readonly name: 'WAIT_SERVER_HELLO_DONE'; readonly agreed: Agreed; readonly kx: ClientKeyExchangeHalf; readonly certificateTypes: readonly number[] }
  | { readonly name: 'WAIT_CHANGE_CIPHER_SPEC'; readonly master: Uint8Array }
  | { readonly name: 'WAIT_FINISHED'; readonly master: Uint8Array }
  | { readonly name: 'DONE' };

export class ClientFlow extends HandshakeFlow {
  private state: ClientState = { name: 'START' };
  private readonly suites: CipherSuite[];
  private offeredSession: SessionData | null = null;
  private sentExtensions = new Set<number>();
  private serverPublicKey: RsaPublicKey | null = null;
  /** What the ServerHello agreed (extensions/index.ts: a subset of what we sent), or the resumed session's. */
  readonly agreement = newAgreement();
  private serverExtended = false;
  private resumedVerdict: CertificateVerdict | null = null;
  /** The server's ephemeral (DHE) key of this handshake, or null (RSA, PSK, a resumption). */
  ephemeralKey: EphemeralKeyInfo | null = null;
  private readonly verifier: PeerVerifier;
  private peerRecord: SessionPeerVerification | null = null;
  /** RFC 5077: a ticket arrived in this handshake (a resumed session then is a new one to hand out). */
  private ticketReceived = false;

  constructor(
    host: FlowHost,
    private readonly options: ClientEngineOptions,
    previous: RenegotiationContext | null = null,
  ) {
    super(host, previous);
    this.suites = resolveSuites(options.cipherSuites, 'client', { allowNullEncryption: options.allowNullEncryption, psk: options.pskCallback !== undefined });
    // Checked here so a bad option is a TLSConfigError at construction, not at start().
    checkClientOptions(options);
    // TLSConfigError without trust anchors or an explicit skip, unless no suite has a server certificate (RFC 4279 PSK).
    this.verifier = PeerVerifier.forClient(options, this.suites.some((s) => keyExchangeOf(s).serverCertificate));
    if ((options.certificateChain?.length ?? 0) > 0 && !options.privateKey) {
      throw new TypeError('a client certificate needs its privateKey');
    }
  }

  get awaitingFinished(): boolean {
    return this.state.name === 'WAIT_FINISHED';
  }

  get expectsChangeCipherSpec(): boolean {
    return this.state.name === 'WAIT_CHANGE_CIPHER_SPEC';
  }

  start(): void {
    this.clientRandom = this.host.provider.random(32);
    // A renegotiation is always a full handshake here (no session offered).
    const session = this.previous ? null : this.usableSession();
    this.offeredSession = session;
    const extensions = offerExtensions({ options: this.options, previous: this.previous, session });
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
    this.state = { name: 'WAIT_SERVER_HELLO' };
  }

  /** The offered session, if it is still valid for this connection (TS 33.141 7.1, RFC 2246 7.4.1.2). */
  private usableSession(): SessionData | null {
    const s = this.options.session;
    if (!s || s.id.length === 0 || s.id.length > 32) return null;
    if (!withinLifetime(s.createdAt, s.lifetime, this.host.now(), MAX_SESSION_LIFETIME_SECONDS)) return null;
    if (!this.suites.some((x) => x.id === s.cipherSuite)) return null;
    if ((s.servername ?? null) !== (this.options.servername ?? null) && s.servername !== undefined) return null;
    // The stored verification, judged again today (peer-verification.ts): a session whose chain has
    // expired, or that was stored unverified, is not offered by a verifying client.
    const verdict = this.verifier.recheck(s, { now: this.host.now() });
    if (!verdict.authorized && this.verifier.rejecting) return null;
    this.resumedVerdict = verdict;
    return s;
  }

  override get peerSentExtendedHello(): boolean {
    return this.serverExtended;
  }

  handleMessage(message: RawHandshakeMessage): void {
    const state = this.state;
    switch (state.name) {
      case 'WAIT_SERVER_HELLO':
        if (message.type !== HandshakeType.server_hello) return this.unexpected(message, state.name);
        return this.onServerHello(decodeServerHello(message.body));
      case 'WAIT_CERTIFICATE':
        if (message.type !== HandshakeType.certificate) return this.unexpected(message, state.name);
        return this.onCertificate(decodeCertificate(message.body), state.agreed);
      case 'WAIT_CERTIFICATE_STATUS':
        // RFC 3546 3.6: after an acknowledged status_request the server MAY send CertificateStatus.
        this.state = this.afterCertificateState(state.agreed);
        if (message.type === HandshakeType.certificate_status) return this.onCertificateStatus(message.body);
        return this.handleMessage(message);
      case 'WAIT_SERVER_KEY_EXCHANGE':
        if (message.type === HandshakeType.server_key_exchange) {
          state.kx.onServerKeyExchange(message.body);
          this.ephemeralKey = state.kx.ephemeralKey?.() ?? null;
          this.state = { name: 'WAIT_CERTIFICATE_REQUEST_OR_DONE', agreed: state.agreed, kx: state.kx };
          return;
        }
        if (state.optional) {
          this.state = { name: 'WAIT_CERTIFICATE_REQUEST_OR_DONE', agreed: state.agreed, kx: state.kx };
          return this.handleMessage(message);
        }
        return this.unexpected(message, state.name);
      case 'WAIT_CERTIFICATE_REQUEST_OR_DONE':
        if (message.type === HandshakeType.certificate_request) {
          const request = decodeCertificateRequest(message.body);
          this.state = { name: 'WAIT_SERVER_HELLO_DONE', agreed: state.agreed, kx: state.kx, certificateTypes: request.certificateTypes };
          return;
        }
        if (message.type === HandshakeType.server_hello_done) return this.onServerHelloDone(message.body, state.agreed, state.kx, null);
        return this.unexpected(message, state.name);
      case 'WAIT_SERVER_HELLO_DONE':
        if (message.type !== HandshakeType.server_hello_done) return this.unexpected(message, state.name);
        return this.onServerHelloDone(message.body, state.agreed, state.kx, state.certificateTypes);
      case 'WAIT_FINISHED':
        if (message.type !== HandshakeType.finished) return this.unexpected(message, state.name);
        return this.onFinished(message.body, state.master);
      case 'WAIT_CHANGE_CIPHER_SPEC':
        // RFC 5077 3.3: NewSessionTicket comes before the server's ChangeCipherSpec, once, if acknowledged.
        if (message.type === NEW_SESSION_TICKET && this.agreement.acked.has(SESSION_TICKET_EXTENSION) && !this.ticketReceived) {
          return this.onNewSessionTicket(message.body);
        }
        return this.unexpected(message, state.name);
      case 'START':
      case 'DONE':
        return this.unexpected(message, state.name);
      default:
        return assertNever(state, 'client state');
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
    this.checkServerExtensions(hello.extensions, suite);
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
      // RFC 4279: a PSK session's master secret came from the key, so resuming it authenticates the server again.
      this.peerVerdict = keyExchangeOf(suite).serverCertificate ? this.resumedVerdict : { authorized: true };
      // RFC 3546 3.2 / 3.5: the session's values hold for its resumptions.
      agreementFromSession(offered, this.agreement);
      if (this.agreement.maxFragmentLength) this.host.setMaxFragment(this.agreement.maxFragmentLength);
      this.installKeys(suite, offered.masterSecret, recordOptionsOf(this.agreement));
      this.state = { name: 'WAIT_CHANGE_CIPHER_SPEC', master: offered.masterSecret };
      return;
    }
    if (this.agreement.maxFragmentLength) this.host.setMaxFragment(this.agreement.maxFragmentLength);
    this.session = {
      id: hello.sessionId,
      masterSecret: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      createdAt: this.host.now(),
      lifetime: MAX_SESSION_LIFETIME_SECONDS,
      ...(this.options.servername ? { servername: this.options.servername } : {}),
      ...sessionFieldsOf(this.agreement),
      peerCertificates: [],
    };
    const agreed = { suite, session: this.session };
    // A key exchange without server certificate (RFC 4279 PSK) goes on to ServerKeyExchange at once; the
    // server is then authenticated by the key alone (its Finished proves it), so the verdict is authorized.
    if (!keyExchangeOf(suite).serverCertificate) this.peerVerdict = { authorized: true };
    this.state = keyExchangeOf(suite).serverCertificate ? { name: 'WAIT_CERTIFICATE', agreed } : this.afterCertificateState(agreed);
  }

  /** RFC 3546 2.3: only extensions we asked for; RFC 5746: renegotiation_info is always allowed (we sent the SCSV). */
  private checkServerExtensions(extensions: Extension[] | null, suite: CipherSuite): void {
    this.serverExtended = extensions !== null;
    checkServerAnswers(extensions, this.sentExtensions, { options: this.options, previous: this.previous, agreement: this.agreement, suite });
    this.secureRenegotiation = this.agreement.acked.has(ExtensionType.renegotiation_info);
  }

  private onCertificate(chain: Uint8Array[], agreed: Agreed): void {
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
    const { verdict, record } = this.verifier.verify(chain, { now: this.host.now(), provider: this.host.provider, keyExchange: agreed.suite.keyExchange });
    this.peerVerdict = verdict;
    this.peerRecord = record;
    if (!verdict.authorized && this.verifier.rejecting) {
      throw new TLSAlertError(verdict.alert ?? AlertDescription.bad_certificate, `${verdict.code ?? 'certificate rejected'}: ${verdict.message ?? ''}`.trim());
    }
    this.state = this.agreement.acked.has(ExtensionType.status_request) ? { name: 'WAIT_CERTIFICATE_STATUS', agreed } : this.afterCertificateState(agreed);
  }

  /** Starts the key exchange's client half (the server's key is known now) and names the state that follows. */
  private afterCertificateState(agreed: Agreed): ClientState {
    const algorithm = keyExchangeOf(agreed.suite);
    const kx = algorithm.client({
      provider: this.host.provider,
      clientRandom: this.clientRandom,
      serverRandom: this.serverRandom,
      serverPublicKey: this.serverPublicKey,
      options: this.options,
    });
    return algorithm.serverKeyExchange === 'none'
      ? { name: 'WAIT_CERTIFICATE_REQUEST_OR_DONE', agreed, kx }
      : { name: 'WAIT_SERVER_KEY_EXCHANGE', agreed, kx, optional: algorithm.serverKeyExchange === 'optional' };
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

  /** certificateTypes: those of the CertificateRequest, or null when the server asked for no certificate. */
  private onServerHelloDone(body: Uint8Array, agreed: Agreed, kx: ClientKeyExchangeHalf, certificateTypes: readonly number[] | null): void {
    if (body.length !== 0) throw new DecodeError('ServerHelloDone has a body');
    const provider = this.host.provider;
    // TS 33.141 6.1.4: a UE without a certificate answers a CertificateRequest with an empty Certificate.
    let signingKey: RsaPrivateKey | null = null;
    if (certificateTypes !== null) {
      const chain = this.options.certificateChain ?? [];
      const key = this.options.privateKey;
      const rsaSign = certificateTypes.includes(ClientCertificateType.rsa_sign) ? (key ?? null) : null;
      if (rsaSign && this.options.certificateUrl && this.agreement.acked.has(ExtensionType.client_certificate_url)) {
        // RFC 3546 3.3: URLs instead of the chain; the CertificateVerify proves the key as usual.
        this.host.sendHandshake(HandshakeType.certificate_url, encodeCertificateUrl(this.options.certificateUrl));
        signingKey = rsaSign;
      } else {
        const canSign = chain.length > 0 ? rsaSign : null;
        this.host.sendHandshake(HandshakeType.certificate, encodeCertificate(canSign ? [...chain] : []));
        signingKey = canSign;
      }
    }
    const { body: clientKeyExchange, preMaster } = kx.clientKeyExchange();
    this.host.sendHandshake(HandshakeType.client_key_exchange, clientKeyExchange);
    // Before CertificateVerify: RFC 7627 4's session hash ends at ClientKeyExchange (the keys take effect at ChangeCipherSpec).
    const master = this.installFullHandshakeKeys(agreed.suite, preMaster, this.agreement);
    if (signingKey) {
      const h = this.host.transcript.hash(provider);
      this.host.sendHandshake(HandshakeType.certificate_verify, encodeCertificateVerify(signTls(provider, signingKey, h.both)));
    }
    this.session = { ...agreed.session, masterSecret: master, ...this.verifier.sessionFields(this.peerCertificates, this.peerRecord) };
    this.sendFinished(master);
    this.state = { name: 'WAIT_CHANGE_CIPHER_SPEC', master };
  }

  private sendFinished(master: Uint8Array): void {
    this.host.sendChangeCipherSpec();
    this.ownFinished = this.finishedData(master, 'client', false);
    this.host.sendHandshake(HandshakeType.finished, encodeFinished(this.ownFinished));
    this.host.flushHandshake();
  }

  onChangeCipherSpec(): void {
    const state = this.state;
    // The connection calls this only while expectsChangeCipherSpec.
    if (state.name !== 'WAIT_CHANGE_CIPHER_SPEC') throw new Error(`engine bug: ChangeCipherSpec in state ${state.name}`);
    this.state = { name: 'WAIT_FINISHED', master: state.master };
  }

  private onFinished(body: Uint8Array, master: Uint8Array): void {
    const received = decodeFinished(body);
    const expected = this.finishedData(master, 'server', true);
    if (!constantTimeEqual(received, expected)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.9: server Finished does not verify');
    }
    this.peerFinished = received;
    if (this.resumed) this.sendFinished(master);
    this.state = { name: 'DONE' };
    this.complete = true;
    this.host.handshakeDone();
    if ((!this.resumed || this.ticketReceived) && this.session && this.session.id.length > 0) this.host.events.session?.(this.session);
  }

  /** RFC 5077 3.3: keep the ticket with the session (a new session object when it renews a resumed one). */
  private onNewSessionTicket(body: Uint8Array): void {
    const { lifetimeHint, ticket } = decodeNewSessionTicket(body);
    this.ticketReceived = true;
    if (ticket.length === 0) return; // RFC 5077 3.3: the server chose not to issue one after all
    const session = this.session;
    if (!session) throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 5077 3.3: NewSessionTicket outside a handshake that made a session');
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
