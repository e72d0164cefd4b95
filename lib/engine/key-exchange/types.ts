/**
 * A key exchange as a strategy (as Go's keyAgreement): the flows (../server.ts, ../client.ts) ask the
 * suite's key exchange what to send and how to reach the premaster, and never branch on its name.
 * Each algorithm has a server half and a client half, made fresh for each handshake once the suite
 * is known, so a half keeps its own ephemeral state (a DH private key) and nothing else sees it.
 *
 * Room for RFC 4279 (issue 20) without touching the flows:
 *   - PSK: `serverCertificate: false` (no Certificate at all), ServerKeyExchange `'optional'` (the
 *     psk_identity_hint), the ClientKeyExchange carries psk_identity; the server half looks the key
 *     up, possibly asynchronously (`premaster` may return a Promise; the flow waits as for any hook).
 *   - DHE_PSK: `serverCertificate: false`, ServerKeyExchange `'required'` (hint + unsigned DH params),
 *     ClientKeyExchange psk_identity + dh_Yc.
 *   - RSA_PSK: `serverCertificate: true` (keyEncipherment, as RSA), no ServerKeyExchange or an
 *     optional hint, ClientKeyExchange psk_identity + EncryptedPreMasterSecret.
 * Their keys and identities come in through `options` (the engine option types), and the
 * certificate-related facts (does the server send one, which keyUsage it needs) are properties of the
 * algorithm and of the suite row, so x509 and the socket layer read them without knowing names either.
 */
import type { CryptoProvider, RsaPrivateKey, RsaPublicKey } from '../../crypto/provider.js';
import type { KeyExchange } from '../../suites.js';
import type { ClientRequests } from '../extensions/index.js';
import type { ClientEngineOptions, ServerEngineOptions } from '../types.js';

export interface KeyExchangeInputs {
  readonly provider: CryptoProvider;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

export interface ServerKeyExchangeInputs extends KeyExchangeInputs {
  /** The private key of the chosen server context (signs DHE parameters, decrypts the RSA premaster); null without a certificate (PSK-only server). */
  readonly privateKey: RsaPrivateKey | null;
  /** ClientHello.client_version (RFC 2246 7.4.7.1: the version inside the RSA premaster). */
  readonly clientVersion: number;
  /** What the ClientHello asked for (RFC 7919 groups, and for PSK later nothing more). */
  readonly requests: ClientRequests;
  readonly options: ServerEngineOptions;
}

export interface ClientKeyExchangeInputs extends KeyExchangeInputs {
  /** The server certificate's RSA key; null only for an algorithm with `serverCertificate: false`. */
  readonly serverPublicKey: RsaPublicKey | null;
  readonly options: ClientEngineOptions;
}

/** The server's half of one handshake's key exchange. */
export interface ServerKeyExchangeHalf {
  /** The ServerKeyExchange body to send after Certificate (RFC 2246 7.4.3), or null to send none. */
  serverKeyExchange(): Uint8Array | null;
  /**
   * The premaster secret from the ClientKeyExchange body (RFC 2246 7.4.7). Throws a TLSAlertError for
   * a bad body; a Promise when it needs an asynchronous lookup (a PSK store).
   */
  premaster(clientKeyExchange: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** The client's half of one handshake's key exchange. */
export interface ClientKeyExchangeHalf {
  /** Checks a ServerKeyExchange body (signature, parameters); throws a TLSAlertError. */
  onServerKeyExchange(body: Uint8Array): void;
  /** The ClientKeyExchange body to send and the premaster it agrees on. */
  clientKeyExchange(): { body: Uint8Array; preMaster: Uint8Array };
  /** The server's ephemeral key once its ServerKeyExchange checked (node:tls getEphemeralKeyInfo); absent: none. */
  ephemeralKey?(): EphemeralKeyInfo | null;
}

/** node:tls's getEphemeralKeyInfo() shape for a DHE key exchange: the prime's size in bits. */
export interface EphemeralKeyInfo {
  readonly type: 'DH';
  readonly size: number;
}

export interface KeyExchangeAlgorithm {
  readonly name: KeyExchange;
  /** Whether the server sends a Certificate (and the client expects one): false for plain PSK and DHE_PSK. */
  readonly serverCertificate: boolean;
  /** Whether a ServerKeyExchange must, may or must not follow (RFC 2246 7.4.3; 'optional' for RFC 4279 hints). */
  readonly serverKeyExchange: 'required' | 'optional' | 'none';
  /**
   * The field names (RFC spelling) of its ServerKeyExchange and ClientKeyExchange bodies, each a
   * vector with a 2-byte length, in wire order: what the replay tools name a byte by.
   */
  readonly wire: { readonly serverKeyExchange: readonly string[]; readonly clientKeyExchange: readonly string[] };
  /** Server: why this key exchange cannot serve this ClientHello (RFC 7919 4 for DHE), or null. */
  unusableFor(requests: ClientRequests, options: ServerEngineOptions): string | null;
  server(inputs: ServerKeyExchangeInputs): ServerKeyExchangeHalf;
  client(inputs: ClientKeyExchangeInputs): ClientKeyExchangeHalf;
}
