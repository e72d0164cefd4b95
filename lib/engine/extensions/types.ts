/**
 * The shape of one extension's home (see ./index.ts for the registry and the how-to).
 *
 * As Go's clientHelloMsg / serverHelloMsg: the decoded ClientHello carries typed fields
 * (`ClientRequests`, what is asked), and what the hellos agreed is one typed record (`Agreement`),
 * filled by the server's answers or the client's checks of them, or taken from the session on
 * resumption. The flows (../server.ts, ../client.ts) loop over the registry and never name an
 * extension; they read the Agreement where a fact changes what they do (record size, MAC, keys).
 */
import type { CryptoProvider } from '../../crypto/provider.js';
import type { TrustedAuthority } from '../../messages/extensions/trusted-ca-keys.js';
import type { MaxFragmentLengthCode } from '../../messages/extensions/max-fragment-length.js';
import type { CipherSuite } from '../../suites.js';
import type { ServerContext } from '../server-context.js';
import type { ClientEngineOptions, RenegotiationContext, ServerEngineOptions, SessionData } from '../types.js';

/** What a ClientHello asks for, one typed field per extension (null/false: not asked). */
export interface ClientRequests {
  /** The hello had an extension block (RFC 3546 4: only then may the new alerts be sent). */
  extended: boolean;
  servername: string | null;
  maxFragmentLength: MaxFragmentLengthCode | null;
  truncatedHmac: boolean;
  /** status_request with status_type ocsp. */
  ocsp: boolean;
  trustedAuthorities: TrustedAuthority[] | null;
  clientCertificateUrl: boolean;
  renegotiationInfo: Uint8Array | null;
  /** RFC 7919: the FFDHE groups (0x0100-0x01FF) listed in supported_groups, or null when none is. */
  ffdheGroups: number[] | null;
  /** RFC 7301: the client's protocol_name_list, or null when not sent. */
  alpnProtocols: string[] | null;
  /** RFC 7627 extended_master_secret. */
  extendedMasterSecret: boolean;
  /** RFC 7366 encrypt_then_mac. */
  encryptThenMac: boolean;
  /** RFC 5077: the SessionTicket extension's ticket (empty: asks for one), or null when not sent. */
  sessionTicket: Uint8Array | null;
}

/**
 * What the hellos agreed, on both sides. A module sets its own field when it answers (server) or
 * checks the answer (client), and restores it from the session on resumption (`fromSession`).
 */
export interface Agreement {
  /** Extension types the ServerHello carries (server: answered; client: received and checked). */
  readonly acked: Set<number>;
  /** RFC 3546 3.2, in bytes. */
  maxFragmentLength?: number;
  /** RFC 3546 3.5. */
  truncatedHmac?: boolean;
  /** RFC 7301: the protocol the server selected. */
  alpnProtocol?: string;
  /** RFC 7627. Client: true or false once the ServerHello is checked; server: set by the answer or the session. */
  extendedMasterSecret?: boolean;
  /** RFC 7366, same convention. */
  encryptThenMac?: boolean;
}

/** The agreement as the application reads it (Connection.agreement): plain values, a snapshot. */
export interface AgreedFacts {
  readonly extendedMasterSecret: boolean;
  readonly encryptThenMac: boolean;
  readonly alpnProtocol: string | null;
  /** RFC 5077: the ServerHello acknowledged SessionTicket (a NewSessionTicket is part of this handshake). */
  readonly sessionTicket: boolean;
}

/** Options of the record protection installed at ChangeCipherSpec (../key-schedule.ts pendingStates). */
export interface RecordOptions {
  truncatedMac?: boolean;
  /** RFC 7366: MAC over the ciphertext (the record layer applies it to block ciphers only). */
  encryptThenMac?: boolean;
}

/** Everything a server answer may look at. */
export interface ServerAnswerContext {
  readonly requests: ClientRequests;
  readonly options: ServerEngineOptions;
  readonly suite: CipherSuite;
  /** The certificate context the hello chose (virtual host or trusted_ca_keys match); null on a server without certificate (RFC 4279 PSK only). */
  readonly context: ServerContext | null;
  /** How the context was chosen: by server_name (RFC 3546 3.1) and/or by trusted_ca_keys (3.4). */
  readonly chosenBy: { readonly name: boolean; readonly authorities: boolean };
  /** The session being resumed, or null on a full handshake. */
  readonly resumed: SessionData | null;
  readonly previous: RenegotiationContext | null;
  /** RFC 5746: the client signalled secure renegotiation (SCSV or the extension). */
  readonly secureRenegotiation: boolean;
  readonly agreement: Agreement;
}

/** Everything a client offer may look at. */
export interface ClientOfferContext {
  readonly options: ClientEngineOptions;
  readonly previous: RenegotiationContext | null;
  /** The session offered for resumption, or null. */
  readonly session: SessionData | null;
}

/** Everything a client's check of a server answer may look at. */
export interface ClientCheckContext {
  readonly options: ClientEngineOptions;
  /** The suite the ServerHello chose (RFC 7366 2: encrypt_then_mac only with a block cipher). */
  readonly suite?: CipherSuite;
  readonly previous: RenegotiationContext | null;
  readonly agreement: Agreement;
}

/** The inputs of the master secret (RFC 2246 8.1), for a module that changes its derivation. */
export interface MasterSecretInputs {
  readonly preMaster: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly provider: CryptoProvider;
  /** The handshake hash so far (MD5 and SHA-1), through ClientKeyExchange when keys are made. */
  readonly sessionHash: () => { md5: Uint8Array; sha1: Uint8Array };
}

/**
 * One extension: every hook is optional; a hook left out means "this side does nothing".
 * A hook that throws a TLSAlertError aborts the handshake with that alert (the single fatal path).
 */
export interface ExtensionModule {
  readonly type: number;
  /** RFC name, for errors and traces. */
  readonly name: string;

  // ---- server side -------------------------------------------------------------------------
  /** Decodes the ClientHello's extension_data into its typed field of `requests`. */
  read?(data: Uint8Array, requests: ClientRequests): void;
  /**
   * 'full' (default): answered on full handshakes only (RFC 3546 2.3: a resumed ServerHello carries
   * no RFC 3546 extensions); 'always': also on resumption (renegotiation_info, RFC 5746 3.6).
   */
  readonly answeredOn?: 'full' | 'always';
  /** The ServerHello extension_data answering the request, or null for no answer; sets its Agreement field. */
  answer?(ctx: ServerAnswerContext): Uint8Array | null;
  /** Server: whether `session` may be resumed for this hello (false: full handshake instead; throw: abort). */
  resumable?(session: SessionData, requests: ClientRequests, options: ServerEngineOptions): boolean;

  // ---- client side -------------------------------------------------------------------------
  /** Client: refuses a bad option at construction (TLSConfigError), before anything is sent. */
  checkOptions?(options: ClientEngineOptions): void;
  /** The ClientHello extension_data to send, or null to send none. */
  offer?(ctx: ClientOfferContext): Uint8Array | null;
  /** The server may send it without being asked (renegotiation_info after the SCSV, RFC 5746 3.4). */
  readonly unsolicited?: boolean;
  /** Checks the server's answer (only called for one the client may receive); sets its Agreement field. */
  check?(data: Uint8Array, ctx: ClientCheckContext): void;
  /** Called when the ServerHello does not carry it (e.g. RFC 5746 3.5: a renegotiating server must). */
  absent?(ctx: ClientCheckContext): void;

  // ---- both sides: session, keys, records ----------------------------------------------------
  /** The SessionData fields that keep the agreement for resumption. */
  toSession?(agreement: Agreement): Partial<SessionData>;
  /**
   * On resumption: the agreement is the session's, not the hello's (RFC 3546 3.2 / 3.5). The client
   * may throw here when the resumed ServerHello contradicts the session (RFC 7627 5.3).
   */
  fromSession?(session: SessionData, agreement: Agreement): void;
  /** What the agreement changes in the record protection (truncated MAC; encrypt-then-MAC). */
  recordOptions?(agreement: Agreement): RecordOptions;
  /** A different master secret (RFC 7627 extended master secret), or null for RFC 2246 8.1's. */
  masterSecret?(agreement: Agreement, inputs: MasterSecretInputs): Uint8Array | null;
}
