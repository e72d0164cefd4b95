/**
 * The types of getPeerCertificate(): node:tls's own (a function written for tls.PeerCertificate
 * takes ours, tls.checkServerIdentity included). The values are built by x509/certificate.ts
 * (certificateToNodeShape) and compared field by field with node:tls's in test/parity/peer-certificate.
 *
 * As in node:tls, `subject` / `issuer` hold only the attributes present (a repeated attribute is an
 * array), `modulus` / `exponent` / `bits` are there for RSA keys, and the object is `{}` when the peer
 * sent no certificate.
 */
import type * as tls from 'node:tls';

export type PeerCertificate = tls.PeerCertificate;
/** With getPeerCertificate(true): issuerCertificate links up the chain; a self-issued end links to itself. */
export type DetailedPeerCertificate = tls.DetailedPeerCertificate;
