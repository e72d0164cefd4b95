/** Session types, owned by the session layer so session/ never imports engine/ (engine/types.ts re-exports them). */

/** What a connection needs to resume a session (RFC 2246 7.3). Serialisable (see session/codec.ts). */
export interface SessionData {
  readonly id: Uint8Array;
  readonly masterSecret: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  /** Milliseconds since the epoch, from the engine's clock, when the full handshake finished. */
  readonly createdAt: number;
  /** Seconds the session may be resumed for (TS 33.141 7.1: at most 86400). */
  readonly lifetime: number;
  readonly servername?: string;
  /** DER certificates the peer presented in the full handshake. */
  readonly peerCertificates: readonly Uint8Array[];
  /** RFC 3546 3.2 / 3.5: negotiated per session, kept across resumptions. */
  readonly maxFragmentLength?: number;
  readonly truncatedHmac?: boolean;
  /** Client side, RFC 5077: the server's session ticket, offered back on resumption. */
  readonly ticket?: Uint8Array;
  /** Server side: the application's own authentication record (TS 33.141 6.1.4). */
  readonly appData?: Uint8Array;
}

/** Server-side session storage; async so an AP can keep sessions outside the process. */
export interface SessionStore {
  get(id: Uint8Array): SessionData | undefined | Promise<SessionData | undefined>;
  set(session: SessionData): void | Promise<void>;
  delete(id: Uint8Array): void | Promise<void>;
}
