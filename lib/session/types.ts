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
  /**
   * What the session keeps of the peer's certificates: the leaf (DER) alone, when it is at most
   * maxSessionLeafSize bytes, else nothing (docs/bounds.md). The whole chain is not kept (issue 21:
   * a 129 KB client chain cost 164 KB per cached session); peerChainDigest names it.
   */
  readonly peerCertificates: readonly Uint8Array[];
  /** SHA-256 over the chain the peer presented (each certificate as u24 length || DER). */
  readonly peerChainDigest?: Uint8Array;
  /** The verification of that chain, judged again by the engine when the session is resumed. */
  readonly peerVerification?: SessionPeerVerification;
  /** RFC 3546 3.2 / 3.5: negotiated per session, kept across resumptions. */
  readonly maxFragmentLength?: number;
  readonly truncatedHmac?: boolean;
  /** RFC 7627: the master secret was derived from the session hash (5.3: resumption must use it too). */
  readonly extendedMasterSecret?: boolean;
  /** RFC 7366 3.1: the session ran encrypt-then-MAC, which its resumptions keep. */
  readonly encryptThenMac?: boolean;
  /** Client side, RFC 5077: the server's session ticket, offered back on resumption. */
  readonly ticket?: Uint8Array;
  /** Server side: the application's own authentication record (TS 33.141 6.1.4). */
  readonly appData?: Uint8Array;
}

/**
 * The outcome of verifying the peer's chain in the full handshake, in the few bytes resumption needs
 * to judge it again (lib/engine/peer-verification.ts): the verdict, the window in which every
 * certificate of the path is valid, and which trust anchor ended the path.
 */
export interface SessionPeerVerification {
  readonly authorized: boolean;
  /** Node-style code of the failure (at most 64 characters); absent when authorized. */
  readonly code?: string;
  /** Milliseconds since the epoch: the latest notBefore and earliest notAfter of the path. */
  readonly validFrom: number;
  readonly validUntil: number;
  /** SHA-256 of the trust anchor's DER; absent when an application verifyPeer callback decided. */
  readonly anchor?: Uint8Array;
  /**
   * How strong the verified path was, so a stricter policy at resumption is applied again: the
   * smallest RSA key of the path (anchor included; minRSABits) and whether a certificate below the
   * anchor is SHA-1-signed (allowSHA1Signatures). Set with `anchor`.
   */
  readonly strength?: { readonly minKeyBits: number; readonly sha1Signed: boolean };
}

/** Server-side session storage; async so an AP can keep sessions outside the process. */
export interface SessionStore {
  get(id: Uint8Array): SessionData | undefined | Promise<SessionData | undefined>;
  set(session: SessionData): void | Promise<void>;
  delete(id: Uint8Array): void | Promise<void>;
}
