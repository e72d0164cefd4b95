/** Verification types, owned by the x509 layer so x509/ never imports engine/ (engine/types.ts re-exports them). */

/** The outcome of checking the peer's certificate chain, decided by the socket layer's validator. */
export interface CertificateVerdict {
  authorized: boolean;
  /** Node-style error code when not authorized, e.g. 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'. */
  code?: string;
  message?: string;
  /** The alert to send when the application rejects unauthorized peers. */
  alert?: number;
}
