/**
 * The server (AP) handshake, one state per expected message (RFC 2246 7.3):
 *
 *   ClientHello (or the SSLv2-compatible hello)  -->
 *                                  <--  ServerHello, Certificate, CertificateStatus* (RFC 3546 3.6),
 *                                       ServerKeyExchange* (as the key exchange says: DHE_RSA),
 *                                       CertificateRequest* (requestCert),
 *                                       ServerHelloDone
 *   Certificate* or CertificateURL* (RFC 3546 3.3), ClientKeyExchange, CertificateVerify*,
 *   [CCS] Finished  -->
 *                                  <--  [CCS] Finished
 *
 * Resumption: ClientHello(known id, or a ticket we sealed) --> ServerHello(id), [CCS], Finished <--;
 * [CCS], Finished -->. RFC 5077: a full handshake answering a SessionTicket request sends
 * NewSessionTicket before its ChangeCipherSpec.
 */
import { AlertDescription } from '../alerts.js';
import type { RsaPublicKey } from '../crypto/provider.js';
import { verifyTls } from '../crypto/rsa.js';
import { TLSAlertError, TLSConfigError } from '../errors.js';
import { checkFfdhePreference } from './key-exchange/ffdhe-groups.js';
import { assertNever } from '../util/assert-never.js';
import type { CertificateUrlFetcher } from './certificate-url.js';
import { keyExchangeOf, type ServerKeyExchangeHalf } from './key-exchange/index.js';
import { decodeCertificate, encodeCertificate } from '../messages/certificate.js';
import { encodeCertificateRequest } from '../messages/certificate-request.js';
import { encodeCertificateStatus } from '../messages/certificate-status.js';
import { decodeCertificateUrl } from '../messages/certificate-url.js';
import { decodeCertificateVerify } from '../messages/certificate-verify.js';
import { decodeClientHello, decodeSSLv2ClientHello, type ClientHello } from '../messages/client-hello.js';
import { decodeFinished, encodeFinished } from '../messages/finished.js';
import { encodeServerHello } from '../messages/server-hello.js';
import { ClientCertificateType, HandshakeType } from '../messages/types.js';
import { CertificateStatusType } from '../messages/extensions/status-request.js';
import { ExtensionType } from '../messages/extensions/types.js';
import { resolveSuites, selectServerSuite } from '../policy/suite-selection.js';
import { TLS_1_0 } from '../record/constants.js';
import type { RawHandshakeMessage } from '../record/handshake-reassembler.js';
import { MemorySessionStore } from '../session/memory-store.js';
import { TicketKeys } from '../session/tickets.js';
import { NEW_SESSION_TICKET, SESSION_TICKET_EXTENSION, encodeNewSessionTicket } from './session-ticket.js';
import { serverUsesTickets } from './extensions/session-ticket.js';
import type { CipherSuite } from '../suites.js';
import { constantTimeEqual } from '../util/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import type { FlowHost } from './flow-host.js';
import { fetchCertificateChain } from './certificate-url.js';
import { HandshakeFlow } from './flow.js';
import { PeerVerifier } from './peer-verification.js';
import { contextForAuthorities, contextForName, type ServerContext } from './server-context.js';
import {
  agreementFromSession,
  answerClientHello,
  extensionsAllowResumption,
  newAgreement,
  readClientRequests,
  recordOptionsOf,
  serverSecureRenegotiation,
  sessionFieldsOf,
  type ClientRequests,
} from './extensions/index.js';
import type { CertificateVerdict, RenegotiationContext, ServerEngineOptions, SessionData, SessionPeerVerification, SessionStore } from './types.js';
import { isAllowedLifetime, MAX_SESSION_LIFETIME_SECONDS, sessionExpiresAt, withinLifetime } from '../policy/session-lifetime.js';

/** What a full handshake has agreed once the ServerHello is out: suite, session being built, key exchange half. */
interface Agreed {
  readonly suite: CipherSuite;
  readonly session: SessionData;
  readonly kx: ServerKeyExchangeHalf;
}

/**
 * One state per expected message, each carrying what it needs (so none can be entered without it).
 * WAIT_HOOK: an async hook (session store, selectContext, certificate URL fetch, key lookup) is
 * pending; the connection holds further input until it answers.
 */
export type ServerState =
  | { readonly name: 'WAIT_CLIENT_HELLO' }
  | { readonly name: 'WAIT_HOOK' }
  | { readonly name: 'WAIT_CLIENT_CERTIFICATE'; readonly agreed: Agreed }
  /** clientPublicKey: the client certificate's key, which a CertificateVerify must then prove; null without one. */
  | { readonly name: 'WAIT_CLIENT_KEY_EXCHANGE'; readonly agreed: Agreed; readonly clientPublicKey: RsaPublicKey | null }
  | { readonly name: 'WAIT_CERTIFICATE_VERIFY'; readonly master: Uint8Array; readonly clientPublicKey: RsaPublicKey }
  | { readonly name: 'WAIT_CHANGE_CIPHER_SPEC'; readonly master: Uint8Array }
  | { readonly name: 'WAIT_FINISHED'; readonly master: Uint8Array }
  | { readonly name: 'DONE' };

/** One in-process store per configuration object, so every connection of a server shares it. */
const defaultStores = new WeakMap<ServerEngineOptions, SessionStore>();
/** Likewise the ticket keys, made on first use (so a server without tickets draws no random keys). */
const defaultTicketKeys = new WeakMap<ServerEngineOptions, TicketKeys>();

/** Runs `next` on a value that may arrive later (async hooks), without making the sync path async. */
function then<T>(value: T | Promise<T>, next: (v: T) => void | Promise<void>): void | Promise<void> {
  return value instanceof Promise ? value.then(next) : next(value);
}

export class ServerFlow extends HandshakeFlow {
  private state: ServerState = { name: 'WAIT_CLIENT_HELLO' };
  private readonly suites: CipherSuite[];
  private readonly store: SessionStore;
  private readonly sessionTimeout: number;
  /** null for a server without certificate (only RFC 4279 PSK / DHE_PSK suites). */
  private readonly defaultContext: ServerContext | null;
  private context: ServerContext | null;
  private requests: ClientRequests | null = null;
  /** What the ServerHello agreed (extensions/index.ts), or on resumption what the session keeps. */
  readonly agreement = newAgreement();
  /** How the certificate context was chosen: what server_name / trusted_ca_keys answer. */
  private readonly chosenBy = { name: false, authorities: false };
  private readonly verifier: PeerVerifier;
  private peerRecord: SessionPeerVerification | null = null;
  private resumedVerdict: CertificateVerdict | null = null;
  /** The session resumed by this connection, or stored at its end: removed again on a fatal alert. */
  private storedSessionId: Uint8Array | null = null;
  /** RFC 5077: the session came from a ticket (it is in no store, so nothing to remove or update). */
  private resumedFromTicket = false;

  constructor(
    host: FlowHost,
    private readonly options: ServerEngineOptions,
    previous: RenegotiationContext | null = null,
  ) {
    super(host, previous);
    const hasCertificate = (options.certificateChain?.length ?? 0) > 0;
    this.suites = resolveSuites(options.cipherSuites, 'server', {
      allowNullEncryption: options.allowNullEncryption,
      psk: options.pskCallback !== undefined,
      certificate: hasCertificate,
    });
    // A certificate is needed only when a suite's key exchange sends one (not RFC 4279 PSK, DHE_PSK).
    if (this.suites.some((s) => keyExchangeOf(s).serverCertificate)) {
      if (!hasCertificate) throw new TLSConfigError('the server needs a certificate (cert)');
      if (!options.privateKey) throw new TLSConfigError('the server needs a private key (key)');
    }
    if (options.ffdheGroups !== undefined) checkFfdhePreference(options.ffdheGroups);
    const timeout = options.sessionTimeout ?? MAX_SESSION_LIFETIME_SECONDS;
    if (!isAllowedLifetime(timeout)) {
      throw new TLSConfigError(`sessionTimeout ${timeout}: TS 33.141 7.1 allows at most ${MAX_SESSION_LIFETIME_SECONDS} seconds`);
    }
    this.sessionTimeout = timeout;
    this.verifier = PeerVerifier.forServer(options);
    let store = options.sessionStore ?? defaultStores.get(options);
    if (!store) {
      store = new MemorySessionStore({ now: this.host.now });
      defaultStores.set(options, store);
    }
    this.store = store;
    this.defaultContext =
      options.certificateChain && options.certificateChain.length > 0 && options.privateKey
        ? { certificateChain: options.certificateChain, privateKey: options.privateKey, ...(options.ocspResponse ? { ocspResponse: options.ocspResponse } : {}) }
        : null;
    this.context = this.defaultContext;
  }

  /** The certificate chain and key this handshake answers with (the default, or a virtual host's). */
  get selectedContext(): ServerContext | null {
    return this.context;
  }

  get awaitingFinished(): boolean {
    return this.state.name === 'WAIT_FINISHED';
  }

  get expectsChangeCipherSpec(): boolean {
    return this.state.name === 'WAIT_CHANGE_CIPHER_SPEC';
  }

  /** RFC 3546 4: the new alerts (110-114) only go to a client that sent an extended hello. */
  override get peerSentExtendedHello(): boolean {
    return this.requests?.extended ?? false;
  }

  start(): void {
    // The server speaks second.
  }

  override handleSSLv2Hello(body: Uint8Array): void | Promise<void> {
    if (this.state.name !== 'WAIT_CLIENT_HELLO') return super.handleSSLv2Hello(body);
    // RFC 2246 E.1: the hash covers the V2 message from msg_type on (no 2-byte record header).
    this.host.transcript.add(body);
    return this.onClientHello(decodeSSLv2ClientHello(body));
  }

  handleMessage(message: RawHandshakeMessage): void | Promise<void> {
    const state = this.state;
    switch (state.name) {
      case 'WAIT_CLIENT_HELLO':
        if (message.type !== HandshakeType.client_hello) return this.unexpected(message, state.name);
        return this.onClientHello(decodeClientHello(message.body));
      case 'WAIT_CLIENT_CERTIFICATE': {
        if (message.type === HandshakeType.certificate) return this.onClientCertificate(decodeCertificate(message.body), state.agreed);
        const fetch = this.options.fetchCertificateUrl;
        if (message.type === HandshakeType.certificate_url && fetch && this.agreement.acked.has(ExtensionType.client_certificate_url)) {
          return this.onCertificateUrl(message.body, fetch, state.agreed);
        }
        return this.unexpected(message, state.name);
      }
      case 'WAIT_CLIENT_KEY_EXCHANGE':
        if (message.type !== HandshakeType.client_key_exchange) return this.unexpected(message, state.name);
        return this.onClientKeyExchange(message.body, state.agreed, state.clientPublicKey);
      case 'WAIT_CERTIFICATE_VERIFY':
        if (message.type !== HandshakeType.certificate_verify) return this.unexpected(message, state.name);
        return this.onCertificateVerify(message.body, state.clientPublicKey, state.master);
      case 'WAIT_FINISHED':
        if (message.type !== HandshakeType.finished) return this.unexpected(message, state.name);
        return this.onFinished(message.body, state.master);
      case 'WAIT_HOOK':
      case 'WAIT_CHANGE_CIPHER_SPEC':
      case 'DONE':
        return this.unexpected(message, state.name);
      default:
        return assertNever(state, 'server state');
    }
  }

  // ---- ClientHello: checks, extensions, virtual host, session lookup, then full or abbreviated ----

  private onClientHello(hello: ClientHello): void | Promise<void> {
    if (hello.version < TLS_1_0) {
      throw new TLSAlertError(AlertDescription.protocol_version, `TS 33.141 6: client offered version 0x${hello.version.toString(16)}; TLS 1.0 or later is required`);
    }
    if (!hello.compressionMethods.includes(0)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, 'RFC 2246 7.4.1.2: the null compression method must be offered');
    }
    this.clientRandom = hello.random;
    const requests = readClientRequests(hello);
    this.requests = requests;
    this.servername = requests.servername;
    this.secureRenegotiation = serverSecureRenegotiation(hello, requests, this.previous);
    this.state = { name: 'WAIT_HOOK' };
    return then(this.chooseContext(requests), () =>
      then(this.lookupSession(hello, requests), (cached) => this.continueHello(hello, requests, cached)),
    );
  }

  /** Virtual hosts (TS 33.141 Annex A option 1, RFC 3546 3.1), then trusted_ca_keys (RFC 3546 3.4). */
  private chooseContext(requests: ClientRequests): void | Promise<void> {
    const contexts = this.options.contexts ?? [];
    const virtualHosting = contexts.length > 0 || this.options.selectContext !== undefined;
    const name = requests.servername;
    if (name !== null && virtualHosting) {
      // Named contexts first, then the default certificate's own names, then the application's callback.
      const found = contextForName(this.defaultContext ? [...contexts, this.defaultContext] : contexts, name) ?? this.options.selectContext?.(name);
      return then(found, (context) => {
        if (context) {
          this.context = context;
          this.chosenBy.name = true;
          return;
        }
        this.unrecognizedName(name);
        this.chooseByAuthorities(requests);
      });
    }
    // One identity and no virtual hosts: the name is not checked and no alert is sent, as OpenSSL and
    // node:tls do by default. (tlsfuzzer's SNI scripts disagree with each other here: the resumption
    // script expects a plain ServerHello for a name the certificate does not carry, the other a
    // warning first; configure contexts/selectContext for the warning.)
    this.chooseByAuthorities(requests);
  }

  private unrecognizedName(name: string): void {
    const policy = this.options.unrecognizedName ?? 'warning';
    if (policy === 'fatal') {
      throw new TLSAlertError(AlertDescription.unrecognized_name, `RFC 3546 3.1: no virtual host for server name ${JSON.stringify(name)}`);
    }
    if (policy === 'warning') this.host.warn(AlertDescription.unrecognized_name);
  }

  private chooseByAuthorities(requests: ClientRequests): void {
    if (!requests.trustedAuthorities || requests.trustedAuthorities.length === 0) return;
    const all = [...(this.context ? [this.context] : []), ...(this.options.contexts ?? []).filter((c) => c !== this.context)];
    const found = contextForAuthorities(all, requests.trustedAuthorities);
    if (found) {
      this.context = found;
      this.chosenBy.authorities = true;
    }
  }

  /** A ticket we sealed first (RFC 5077 3.4), else the session ID in the store. */
  private lookupSession(hello: ClientHello, requests: ClientRequests): SessionData | undefined | Promise<SessionData | undefined> {
    if (this.sessionTimeout === 0 || this.previous) return undefined;
    const ticket = requests.sessionTicket;
    if (ticket && ticket.length > 0 && serverUsesTickets(this.options)) {
      const opened = this.ticketKeys().open(ticket, this.host.provider);
      if (opened) {
        this.resumedFromTicket = true;
        // 3.4: the ServerHello echoes the client's session ID when it accepts the ticket.
        return { ...opened, id: hello.sessionId };
      }
    }
    if (hello.sessionId.length === 0) return undefined;
    return this.store.get(hello.sessionId);
  }

  private ticketKeys(): TicketKeys {
    if (this.options.ticketKeys) return this.options.ticketKeys;
    let keys = defaultTicketKeys.get(this.options);
    if (!keys) {
      keys = new TicketKeys({ random: this.host.provider.random, now: this.host.now });
      defaultTicketKeys.set(this.options, keys);
    }
    return keys;
  }

  private continueHello(hello: ClientHello, requests: ClientRequests, cached: SessionData | undefined): void {
    const session = cached && this.resumable(cached, requests) ? cached : undefined;
    if (!session) this.resumedFromTicket = false;
    // resumable() checked that the session's suite is one of ours.
    const resumedSuite = session && this.suites.find((x) => x.id === session.cipherSuite);
    if (session && resumedSuite) {
      if (!hello.cipherSuites.includes(session.cipherSuite)) {
        throw new TLSAlertError(AlertDescription.illegal_parameter, "RFC 2246 7.4.1.2: resuming client no longer offers the session's cipher suite");
      }
      return this.resume(hello, session, resumedSuite, requests);
    }
    const suite = this.selectSuite(hello, requests);
    this.suite = suite;
    this.fullHandshake(hello, requests, suite);
  }

  /**
   * The suite, in server preference order, among those whose key exchange can serve this client
   * (RFC 7919 4: DHE only with a common FFDHE group); when only such a suite was in common, the key
   * exchange's reason as insufficient_security.
   */
  private selectSuite(hello: ClientHello, requests: ClientRequests): CipherSuite {
    const options = { requireEncryption128: this.options.requireEncryption128 };
    const usable = this.suites.filter((s) => keyExchangeOf(s).unusableFor(requests, this.options) === null);
    if (usable.length === this.suites.length) return selectServerSuite(hello.cipherSuites, this.suites, options);
    try {
      return selectServerSuite(hello.cipherSuites, usable, options);
    } catch (err) {
      const reason = keyExchangeOf(selectServerSuite(hello.cipherSuites, this.suites, options)).unusableFor(requests, this.options);
      if (reason !== null) throw new TLSAlertError(AlertDescription.insufficient_security, reason);
      throw err;
    }
  }

  /** Unexpired (TS 33.141 7.1), a suite we still allow, and the same server name (RFC 6066 3). */
  private resumable(s: SessionData, requests: ClientRequests): boolean {
    if (!withinLifetime(s.createdAt, s.lifetime, this.host.now(), this.sessionTimeout)) return false;
    if (!this.suites.some((x) => x.id === s.cipherSuite)) return false;
    if ((s.servername ?? null) !== this.servername) return false;
    if (!extensionsAllowResumption(s, requests, this.options)) return false;
    if (!this.options.requestCert) return true;
    // The client's stored verification, judged again today (peer-verification.ts): with
    // rejectUnauthorized an expired or unverified client is sent through a full handshake.
    const verdict = this.verifier.recheck(s, { now: this.host.now(), ...this.contextAnchors() });
    if (!verdict.authorized && this.verifier.rejecting) return false;
    this.resumedVerdict = verdict;
    return true;
  }

  private contextAnchors(): { anchors?: readonly Uint8Array[] } {
    return this.context?.trustAnchors ? { anchors: this.context.trustAnchors } : {};
  }

  /** The ServerHello extensions (extensions/index.ts), filling this.agreement; `resumed` on resumption. */
  private answerHello(requests: ClientRequests, suite: CipherSuite, resumed: SessionData | null) {
    return answerClientHello({
      requests,
      options: this.options,
      suite,
      context: this.context,
      chosenBy: this.chosenBy,
      resumed,
      previous: this.previous,
      secureRenegotiation: this.secureRenegotiation,
      agreement: this.agreement,
    });
  }

  private resume(hello: ClientHello, session: SessionData, suite: CipherSuite, requests: ClientRequests): void {
    const provider = this.host.provider;
    this.suite = suite;
    this.serverRandom = provider.random(32);
    this.resumed = true;
    this.session = session;
    this.storedSessionId = this.resumedFromTicket ? null : session.id;
    this.peerCertificates = session.peerCertificates;
    // RFC 4279: the master secret came from the client's key; resuming proves it again.
    this.peerVerdict = suite.psk && !this.options.requestCert ? { authorized: true } : this.resumedVerdict;
    // RFC 3546 3.2 / 3.5: negotiated once per session, kept across resumptions.
    agreementFromSession(session, this.agreement);
    const extensions = this.answerHello(requests, suite, session);
    this.host.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        version: TLS_1_0,
        random: this.serverRandom,
        sessionId: hello.sessionId,
        cipherSuite: session.cipherSuite,
        compressionMethod: 0,
        extensions,
      }),
    );
    this.host.lockVersion();
    if (this.agreement.maxFragmentLength) this.host.setMaxFragment(this.agreement.maxFragmentLength);
    this.installKeys(suite, session.masterSecret, recordOptionsOf(this.agreement));
    this.sendFinished(session.masterSecret);
    this.state = { name: 'WAIT_CHANGE_CIPHER_SPEC', master: session.masterSecret };
  }

  private fullHandshake(hello: ClientHello, requests: ClientRequests, suite: CipherSuite): void {
    const provider = this.host.provider;
    this.serverRandom = provider.random(32);
    const sessionId = this.sessionTimeout > 0 ? provider.random(32) : new Uint8Array(0);
    const extensions = this.answerHello(requests, suite, null);
    const session: SessionData = {
      id: sessionId,
      masterSecret: new Uint8Array(0),
      cipherSuite: suite.id,
      compressionMethod: 0,
      createdAt: this.host.now(),
      lifetime: this.sessionTimeout,
      ...(this.servername !== null ? { servername: this.servername } : {}),
      ...sessionFieldsOf(this.agreement),
      peerCertificates: [],
    };
    this.session = session;
    this.host.sendHandshake(
      HandshakeType.server_hello,
      encodeServerHello({
        version: TLS_1_0,
        random: this.serverRandom,
        sessionId,
        cipherSuite: suite.id,
        compressionMethod: 0,
        extensions,
      }),
    );
    this.host.lockVersion();
    // RFC 3546 3.2: once agreed, fragment at once, handshake messages included.
    if (this.agreement.maxFragmentLength) this.host.setMaxFragment(this.agreement.maxFragmentLength);
    const kx = keyExchangeOf(suite);
    const context = this.context;
    if (kx.serverCertificate) {
      if (!context) throw new Error('engine bug: a certificate suite on a server without certificate');
      this.host.sendHandshake(HandshakeType.certificate, encodeCertificate([...context.certificateChain]));
      const ocspResponse = context.ocspResponse;
      if (this.agreement.acked.has(ExtensionType.status_request) && ocspResponse) {
        this.host.sendHandshake(HandshakeType.certificate_status, encodeCertificateStatus({ statusType: CertificateStatusType.ocsp, response: ocspResponse }));
      }
    }
    const half = kx.server({
      provider,
      clientRandom: this.clientRandom,
      serverRandom: this.serverRandom,
      privateKey: context?.privateKey ?? null,
      clientVersion: hello.version,
      requests,
      options: this.options,
    });
    const serverKeyExchange = half.serverKeyExchange();
    if (serverKeyExchange) this.host.sendHandshake(HandshakeType.server_key_exchange, serverKeyExchange);
    if (this.options.requestCert) {
      this.host.sendHandshake(
        HandshakeType.certificate_request,
        encodeCertificateRequest({ certificateTypes: [ClientCertificateType.rsa_sign], certificateAuthorities: [...(this.options.certificateAuthorities ?? [])] }),
      );
    }
    this.host.sendHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
    this.host.flushHandshake();
    // RFC 4279: the client is authenticated by its PSK (its Finished proves it) unless a certificate is asked for too.
    if (suite.psk && !this.options.requestCert) this.peerVerdict = { authorized: true };
    const agreed = { suite, session, kx: half };
    this.state = this.options.requestCert ? { name: 'WAIT_CLIENT_CERTIFICATE', agreed } : { name: 'WAIT_CLIENT_KEY_EXCHANGE', agreed, clientPublicKey: null };
  }

  // ---- the client's flight ----------------------------------------------------------------------

  /** RFC 3546 3.3: the client sent URLs; the application fetches them, we check the hashes. */
  private onCertificateUrl(body: Uint8Array, fetch: CertificateUrlFetcher, agreed: Agreed): Promise<void> {
    const message = decodeCertificateUrl(body);
    this.state = { name: 'WAIT_HOOK' };
    return fetchCertificateChain(message, fetch).then((chain) => this.onClientCertificate(chain, agreed));
  }

  private onClientCertificate(chain: Uint8Array[], agreed: Agreed): void {
    if (chain.length === 0) {
      // TS 33.141 6.1.4: a UE without a certificate sends an empty Certificate; operator policy decides.
      this.peerVerdict = { authorized: false, code: 'ERR_TLS_CLIENT_CERTIFICATE_ABSENT', message: 'client sent no certificate' };
      this.peerRecord = this.verifier.failedRecord(this.peerVerdict);
      if (this.options.rejectUnauthorized) {
        throw new TLSAlertError(AlertDescription.handshake_failure, 'TS 33.141 6.1.4: client sent no certificate and the AP requires one');
      }
      this.state = { name: 'WAIT_CLIENT_KEY_EXCHANGE', agreed, clientPublicKey: null };
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
    const clientPublicKey = leaf.publicKey.rsa;
    this.peerCertificates = chain;
    const { verdict, record } = this.verifier.verify(chain, { now: this.host.now(), provider: this.host.provider, ...this.contextAnchors() });
    this.peerVerdict = verdict;
    this.peerRecord = record;
    if (!verdict.authorized && this.options.rejectUnauthorized) {
      throw new TLSAlertError(verdict.alert ?? AlertDescription.bad_certificate, `${verdict.code ?? 'client certificate rejected'}: ${verdict.message ?? ''}`.trim());
    }
    this.state = { name: 'WAIT_CLIENT_KEY_EXCHANGE', agreed, clientPublicKey };
  }

  private onClientKeyExchange(body: Uint8Array, agreed: Agreed, clientPublicKey: RsaPublicKey | null): void | Promise<void> {
    this.state = { name: 'WAIT_HOOK' };
    return then(agreed.kx.premaster(body), (preMaster) => this.onPremaster(preMaster, agreed, clientPublicKey));
  }

  private onPremaster(preMaster: Uint8Array, agreed: Agreed, clientPublicKey: RsaPublicKey | null): void {
    const master = this.installFullHandshakeKeys(agreed.suite, preMaster, this.agreement);
    this.session = { ...agreed.session, masterSecret: master, ...this.verifier.sessionFields(this.peerCertificates, this.peerRecord) };
    this.state = clientPublicKey ? { name: 'WAIT_CERTIFICATE_VERIFY', master, clientPublicKey } : { name: 'WAIT_CHANGE_CIPHER_SPEC', master };
  }

  private onCertificateVerify(body: Uint8Array, clientPublicKey: RsaPublicKey, master: Uint8Array): void {
    const signature = decodeCertificateVerify(body);
    const h = this.host.transcript.hash(this.host.provider, true);
    if (!verifyTls(this.host.provider, clientPublicKey, h.both, signature)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.8: CertificateVerify signature does not verify');
    }
    this.state = { name: 'WAIT_CHANGE_CIPHER_SPEC', master };
  }

  onChangeCipherSpec(): void {
    const state = this.state;
    // The connection calls this only while expectsChangeCipherSpec.
    if (state.name !== 'WAIT_CHANGE_CIPHER_SPEC') throw new Error(`engine bug: ChangeCipherSpec in state ${state.name}`);
    this.state = { name: 'WAIT_FINISHED', master: state.master };
  }

  private sendFinished(master: Uint8Array): void {
    this.host.sendChangeCipherSpec();
    this.ownFinished = this.finishedData(master, 'server', false);
    this.host.sendHandshake(HandshakeType.finished, encodeFinished(this.ownFinished));
    this.host.flushHandshake();
  }

  private onFinished(body: Uint8Array, master: Uint8Array): void | Promise<void> {
    const received = decodeFinished(body);
    const expected = this.finishedData(master, 'client', true);
    if (!constantTimeEqual(received, expected)) {
      throw new TLSAlertError(AlertDescription.decrypt_error, 'RFC 2246 7.4.9: client Finished does not verify');
    }
    this.peerFinished = received;
    if (!this.resumed) {
      this.sendTicket();
      this.sendFinished(master);
    }
    this.state = { name: 'DONE' };
    this.complete = true;
    const newSession = !this.resumed && this.session !== null && this.session.id.length > 0 ? this.session : null;
    // RFC 2246 7.3: the session becomes resumable only now, after the Finished exchange.
    const stored = newSession ? this.store.set(newSession) : undefined;
    if (newSession) this.storedSessionId = newSession.id;
    this.host.handshakeDone();
    if (newSession) this.host.events.session?.(newSession);
    return stored instanceof Promise ? stored : undefined;
  }

  /**
   * RFC 5077 3.3: the session sealed into a ticket, before our ChangeCipherSpec, when the ServerHello
   * promised one. The hint is what is left of the session's lifetime (TS 33.141 7.1).
   */
  private sendTicket(): void {
    const session = this.session;
    if (!this.agreement.acked.has(SESSION_TICKET_EXTENSION) || !session) return;
    const remaining = sessionExpiresAt(session.createdAt, session.lifetime) - this.host.now();
    this.host.sendHandshake(
      NEW_SESSION_TICKET,
      encodeNewSessionTicket({ lifetimeHint: Math.max(0, Math.floor(remaining / 1000)), ticket: this.ticketKeys().seal(session, this.host.provider) }),
    );
  }

  /** TS 33.141 6.1.4: the application's own authentication record, kept with the session. */
  private authRecordFresh = false;

  setAuthRecord(data: Uint8Array): void | Promise<void> {
    if (!this.complete || !this.session) throw new TypeError('setAuthRecord: the handshake has not completed');
    this.session = { ...this.session, appData: data.slice() };
    this.authRecordFresh = true;
    if (this.session.id.length === 0 || this.storedSessionId === null) return;
    return this.store.set(this.session);
  }

  get authRecord(): { data: Uint8Array; needsReauthentication: boolean } | null {
    const data = this.session?.appData;
    if (!data) return null;
    // A resumed session brings the record back; by default the UE must be authenticated again before access.
    const needs = this.resumed && !this.authRecordFresh && (this.options.reauthenticateResumed ?? true);
    return { data, needsReauthentication: needs };
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
