/**
 * The sans-IO engine's public shape: options in, events out. No sockets, no timers, no globals.
 * The socket layer (lib/socket) binds these events to a Node Duplex; tests drive two engines in memory.
 */
import type { DhGroup } from '../crypto/dh.js';
import type { TrustedAuthority } from '../messages/extensions/trusted-ca-keys.js';
import type { CertificateUrl } from '../messages/certificate-url.js';
import type { ServerContext } from './server-context.js';
import type { CertificateUrlFetcher } from './certificate-url.js';
import type { FfdheGroupName } from './key-exchange/ffdhe-groups.js';

export type { ServerContext, TrustedAuthority, CertificateUrl, CertificateUrlFetcher };
import type { CryptoProvider, RsaPrivateKey } from '../crypto/provider.js';
import type { TLSError } from '../errors.js';
import type { SessionData, SessionPeerVerification, SessionStore } from '../session/types.js';
import type { TicketKeys } from '../session/tickets.js';
import type { CertificateVerdict } from '../x509/types.js';
import type { X509Certificate } from '../x509/certificate.js';
// Defined in their own layer (session/, x509/ import nothing from engine/); re-exported for callers.
export type { SessionData, SessionPeerVerification, SessionStore, CertificateVerdict };

/** A trust anchor: DER bytes, or a certificate parsed with parseCertificate. */
export type TrustAnchor = Uint8Array | X509Certificate;

/**
 * How the engine verifies the peer's chain itself (lib/engine/peer-verification.ts, docs/verification.md):
 * the WAP-211 path rules of x509/verify.ts from these trust anchors, at the engine's clock.
 */
export interface PeerVerificationOptions {
  /**
   * Trust anchors for the peer's chain. Client: required unless insecureSkipVerify or verifyPeer
   * (a client Connection without any of them is a TLSConfigError). Server: for client certificates
   * (requestCert); a context's own trustAnchors win.
   */
  trustAnchors?: readonly TrustAnchor[];
  /** Smallest RSA modulus in the path, in bits (default 2048; WAP-211 6.2.5 allows 1024). */
  minRSABits?: number;
  /** Accept sha1WithRSAEncryption certificate signatures (default true, WAP-211 6.2.2). */
  allowSHA1Signatures?: boolean;
  /** Most certificates in a path, leaf and anchor included (default 10). */
  maxChainDepth?: number;
  /** Largest peer leaf certificate a session keeps, in bytes (default 16384; docs/bounds.md). */
  maxSessionLeafSize?: number;
  /**
   * Replaces the engine's chain verification (leaf first in, verdict out). An explicit choice: the
   * application owns the outcome. Resumption re-checks the verdict it gave (validity window only).
   */
  verifyPeer?: (chain: readonly Uint8Array[]) => CertificateVerdict;
}

/** RFC 5746 3.5: the Finished values of the handshake being renegotiated. */
export interface RenegotiationContext {
  readonly clientVerifyData: Uint8Array;
  readonly serverVerifyData: Uint8Array;
}

export interface EngineEvents {
  /** Bytes for the transport, in order. Ownership passes to the receiver: the engine never reuses the array. */
  output(bytes: Uint8Array): void;
  handshakeComplete(): void;
  /** A secure renegotiation (RFC 5746) finished; the new keys and parameters are in force. */
  renegotiated?(): void;
  /** Decrypted application data; a fresh array (or a view of one) the engine never touches again. */
  data(bytes: Uint8Array): void;
  /**
   * The peer sent close_notify. We answer with our own close_notify (design decision): at once, or,
   * with deferCloseNotify, when close() is called.
   */
  peerClosed(): void;
  /** A warning alert other than close_notify (e.g. no_renegotiation, unrecognized_name). */
  warning?(description: number): void;
  /** Fatal: an alert was sent or received, or the transport broke the protocol. The connection is dead. */
  error(err: TLSError): void;
  /** A new resumable session exists (after the Finished exchange of a full handshake). */
  session?(session: SessionData): void;
  /** NSS key-log line "CLIENT_RANDOM <hex> <hex>" (the only way keys ever leave the engine). */
  keylog?(line: string): void;
  /** The async hook that suspended the read path answered: the transport may be read again. */
  inputResumed?(): void;
}

export interface CommonEngineOptions extends PeerVerificationOptions {
  provider?: CryptoProvider;
  /**
   * RFC 7301 ALPN, as node:tls: the protocols, most preferred first, as strings (or Buffers) or one
   * Buffer/Uint8Array in wire form (each name after its 1-byte length). Client: offered; server: chosen
   * from (its own order) when the client offers ALPN. Default: no ALPN.
   */
  ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
  /** Ordered list of suite names (RFC or OpenSSL) or ids; defaults per role (see policy). */
  cipherSuites?: readonly (string | number)[];
  /** Clock in milliseconds since the epoch; injectable for tests and replay. Default Date.now. */
  now?: () => number;
  /**
   * RFC 5746 renegotiation: 'refuse' (default) answers a HelloRequest or a second ClientHello with a
   * no_renegotiation warning; 'secure' renegotiates when both sides signalled support. Insecure
   * (legacy) renegotiation is never done.
   */
  renegotiation?: 'refuse' | 'secure';
  /**
   * RFC 7627 extended master secret: offered (client) and accepted (server) unless false
   * (docs/extensions.md). False also turns requireExtendedMasterSecret off.
   */
  extendedMasterSecret?: boolean;
  /**
   * RFC 7627 5.2 / 5.4: refuse a peer without extended master secret (handshake_failure), on full
   * handshakes and resumptions. Default false: TLS 1.0 peers of 2004 do not know it.
   */
  requireExtendedMasterSecret?: boolean;
  /** RFC 7366 encrypt-then-MAC for CBC suites: offered and accepted unless false (docs/extensions.md). */
  encryptThenMac?: boolean;
  /**
   * RFC 5077 session tickets. Server: on unless false (as node:tls): tickets for clients that ask,
   * and resumption of the sessions they carry (engine/session-ticket.ts). Client: opt-in (true):
   * offer the SessionTicket extension and keep the server's ticket with the session (node:tls and
   * Go servers resume only from tickets); off by default so a UE's session stays the session ID
   * the AP keeps its authentication record under (TS 33.141 6.1.4; docs/extensions.md).
   */
  sessionTickets?: boolean;
  /**
   * Do not answer the peer's close_notify at once: keep the write side open (write() still works)
   * until close() is called. The socket layer sets it and answers when its writable side ends, so
   * replies the application writes on the last data still reach the peer. Default false: answered at once.
   */
  deferCloseNotify?: boolean;
  /** Allow TLS_RSA_WITH_NULL_* suites in cipherSuites (integrity only; TS 33.141 6.2). Off by default. */
  allowNullEncryption?: boolean;
  /** Largest handshake message accepted, in bytes. */
  maxHandshakeMessageLength?: number;
  /**
   * Bytes the engine queues from receive() while an async hook (session store, selectContext, SNI,
   * certificate URL) is pending; past it the connection fails (internal_error alert,
   * ERR_TLS_ALERT_INTERNAL_ERROR naming pendingInputLimit). Default 65536 (docs/bounds.md). A socket stops reading first.
   */
  pendingInputLimit?: number;
}

export interface ClientEngineOptions extends CommonEngineOptions {
  isServer?: false;
  /** Sent as server_name (RFC 3546 3.1) unless it is an IP literal. */
  servername?: string;
  /** A session to offer for resumption. */
  session?: SessionData;
  /** 1/n-1 record splitting of CBC application data (BEAST). Default true for the client. */
  splitRecords?: boolean;
  /**
   * Default true: a server chain that does not verify ends the handshake with the verdict's alert.
   * false: the handshake completes and peerVerdict says why it is not authorized (node:tls's
   * rejectUnauthorized: false). Needs trustAnchors (or verifyPeer) all the same.
   */
  rejectUnauthorized?: boolean;
  /**
   * Do not verify the server's certificate at all: the handshake completes with any certificate and
   * peerVerdict is { authorized: false, code: 'ERR_TLS_VERIFICATION_SKIPPED' }. Go crypto/tls's name
   * (Config.InsecureSkipVerify): it reads as what it is in a code review. Only for test peers and
   * transcript replay; it cannot be combined with trustAnchors.
   */
  insecureSkipVerify?: boolean;
  /**
   * The name the server's certificate must match (RFC 2818 3.1). Default: servername. The socket layer
   * sets the host here when it is an IP literal (never sent as server_name, still checked).
   */
  serverIdentity?: string;
  /**
   * Replaces the RFC 2818 name check (node:tls's checkServerIdentity, given the DER chain): return an
   * Error to refuse (certificate_unknown), undefined to accept.
   */
  checkServerIdentity?: (name: string, chain: readonly Uint8Array[]) => Error | undefined;
  /** The UE's own certificate, if it has one (TS 33.141 6.1.4: usually it has none). */
  certificateChain?: readonly Uint8Array[];
  privateKey?: RsaPrivateKey;
  /** Smallest DHE prime accepted, in bits (default 1024). */
  minDHSize?: number;
  /** RFC 3546 3.2: ask for a smaller record size (512, 1024, 2048 or 4096 bytes). */
  maxFragmentLength?: 512 | 1024 | 2048 | 4096;
  /** RFC 3546 3.5: ask for 80-bit MACs. */
  truncatedHmac?: boolean;
  /** RFC 3546 3.6: ask the server to staple an OCSP response (status_request). */
  requestOCSP?: boolean;
  /**
   * Checks a stapled OCSP response; a false result or a thrown error is a fatal
   * bad_certificate_status_response (113). Without it the response is only exposed.
   */
  verifyOCSP?: (response: Uint8Array, chain: readonly Uint8Array[]) => boolean;
  /** RFC 3546 3.4: the CA keys this client trusts, so a server with several chains can pick. */
  trustedCaKeys?: readonly TrustedAuthority[];
  /** RFC 3546 3.3: send these URLs (CertificateURL) instead of the certificate chain when the server agrees. */
  certificateUrl?: CertificateUrl;
  /**
   * RFC 4279 (node:tls's client pskCallback): the identity and key for the server's psk_identity_hint
   * (null when it sent none). Returning null ends the handshake (handshake_failure). Only with it set
   * are PSK suites offered (docs/psk.md).
   */
  pskCallback?: ClientPskCallback;
}

/** RFC 4279 client side: the hint in, the identity (UTF-8, at most 1024 bytes) and key out, or null to refuse. */
export type ClientPskCallback = (hint: string | null) => { identity: string; psk: Uint8Array } | null;

/**
 * RFC 4279 server side: the key for a psk_identity, or null/undefined when the identity is unknown
 * (the handshake then fails at Finished exactly as with a wrong key). May answer asynchronously.
 */
export type ServerPskLookup = (identity: string) => Uint8Array | null | undefined | Promise<Uint8Array | null | undefined>;

export interface ServerEngineOptions extends CommonEngineOptions {
  /**
   * RFC 7301, as node:tls: picks the protocol from the client's list (return one of `protocols`), or
   * returns undefined to refuse the connection with no_application_protocol. Wins over ALPNProtocols.
   */
  ALPNCallback?: (info: { servername: string | undefined; protocols: string[] }) => string | undefined;
  isServer: true;
  /** Required unless every configured suite is one without a server certificate (RFC 4279 PSK, DHE_PSK). */
  certificateChain?: readonly Uint8Array[];
  privateKey?: RsaPrivateKey;
  /** Default false for the server role. */
  splitRecords?: boolean;
  /** Ask the client for a certificate (TS 33.141 6.1.4). */
  requestCert?: boolean;
  /**
   * With requestCert: refuse a client without a (valid) certificate with handshake_failure, and do
   * not resume a session whose stored verification no longer holds.
   */
  rejectUnauthorized?: boolean;
  /** Session lifetime in seconds; at most 86400 (TS 33.141 7.1). */
  sessionTimeout?: number;
  sessionStore?: SessionStore;
  /**
   * RFC 5077: the keys that seal and open tickets (share one TicketKeys, or the same ticketKeys bytes,
   * between servers that should resume each other's sessions). Default: random keys per options object, rotated.
   */
  ticketKeys?: TicketKeys;
  /** TS 33.141 7.2(d) operator policy: refuse common suites with less than 128 bits of key. */
  requireEncryption128?: boolean;
  /** More certificate chains, chosen per server_name (virtual hosts) or trusted_ca_keys. */
  contexts?: readonly ServerContext[];
  /** SNICallback in engine form: the context for a name no entry of `contexts` matches. */
  selectContext?: (servername: string) => ServerContext | undefined | Promise<ServerContext | undefined>;
  /** What to do with a server_name no context matches (only with virtual hosts): default 'warning'. */
  unrecognizedName?: 'ignore' | 'warning' | 'fatal';
  /** DER OCSPResponse stapled for the default certificate when the client asks (RFC 3546 3.6). */
  ocspResponse?: Uint8Array;
  /** Agree to truncated_hmac (RFC 3546 3.5). Off by default: see docs/extensions.md. */
  truncatedHmac?: boolean;
  /** Accept CertificateURL from clients (RFC 3546 3.3), fetching through this function. Off when absent. */
  fetchCertificateUrl?: CertificateUrlFetcher;
  /**
   * TS 33.141 6.1.4: a resumed session's authentication record (setAuthRecord) comes back marked as
   * needing re-authentication. Default true.
   */
  reauthenticateResumed?: boolean;
  /** DER distinguished names sent in CertificateRequest.certificate_authorities. */
  certificateAuthorities?: readonly Uint8Array[];
  /**
   * The DHE group for a client that lists no RFC 7919 group (default: RFC 3526 2048-bit MODP group).
   * When it is an RFC 7919 group (FFDHE3072, ...) it also goes first in the ffdheGroups preference.
   */
  dhGroup?: DhGroup;
  /** RFC 4279: the key for a client's psk_identity (the socket's pskCallback binds the socket). PSK suites need it. */
  pskCallback?: ServerPskLookup;
  /** RFC 4279 5.2: the psk_identity_hint sent in ServerKeyExchange (UTF-8, at most 1024 bytes); none by default. */
  pskIdentityHint?: string;
  /**
   * RFC 7919: the FFDHE groups the server uses for a client that lists some in supported_groups, in the
   * server's preference order (default ffdhe2048, ffdhe3072, ffdhe4096, ffdhe6144, ffdhe8192: the fastest first).
   */
  ffdheGroups?: readonly FfdheGroupName[];
}

export type EngineOptions = ClientEngineOptions | ServerEngineOptions;
