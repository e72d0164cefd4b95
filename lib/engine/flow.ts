/**
 * What the client and server flows share: negotiated facts, key installation, Finished computation,
 * and the "unexpected message" rule. Each role's file is its message diagram (RFC 2246 7.3, Fig. 1 and 2).
 */
import type { ExporterInputs } from './keying-material.js';
import { AlertDescription } from '../alerts.js';
import { finishedVerifyData } from '../crypto/prf.js';
import { TLSAlertError } from '../errors.js';
import { handshakeTypeName } from '../messages/types.js';
import type { RawHandshakeMessage } from '../record/handshake-reassembler.js';
import type { CipherSuite } from '../suites.js';
import { toHex } from '../util/bytes.js';
import type { FlowHost } from './flow-host.js';
import { deriveKeys, pendingStates } from './key-schedule.js';
import { deriveMasterSecret, recordOptionsOf, type Agreement } from './extensions/index.js';
import type { CertificateVerdict, RenegotiationContext, SessionData } from './types.js';

export abstract class HandshakeFlow {
  complete = false;
  suite: CipherSuite | null = null;
  peerCertificates: readonly Uint8Array[] = [];
  session: SessionData | null = null;
  resumed = false;
  ownFinished: Uint8Array | null = null;
  peerFinished: Uint8Array | null = null;
  servername: string | null = null;
  peerVerdict: CertificateVerdict | null = null;
  secureRenegotiation = false;
  /** RFC 3546 3.6: the OCSP response the server stapled, if any (client side). */
  ocspResponse: Uint8Array | null = null;
  /** What the hellos agreed (extensions/types.ts), for the Connection's getters. */
  abstract readonly agreement: Agreement;

  protected clientRandom: Uint8Array = new Uint8Array(32);
  protected serverRandom: Uint8Array = new Uint8Array(32);
  protected masterSecret: Uint8Array | null = null;

  constructor(
    protected readonly host: FlowHost,
    /** Set when this handshake renegotiates an established connection (RFC 5746). */
    protected readonly previous: RenegotiationContext | null = null,
  ) {}

  /** RFC 5705: the exporter's inputs, once this handshake's keys are installed. */
  get exporterInputs(): ExporterInputs | null {
    return this.masterSecret ? { masterSecret: this.masterSecret, clientRandom: this.clientRandom, serverRandom: this.serverRandom } : null;
  }

  /** RFC 3546 4: whether the peer sent an extended hello (so the extension alerts may be sent). */
  get peerSentExtendedHello(): boolean {
    return false;
  }

  abstract start(): void;
  abstract handleMessage(message: RawHandshakeMessage): void | Promise<void>;
  abstract get expectsChangeCipherSpec(): boolean;
  /** After the peer's ChangeCipherSpec, before its Finished: nothing but Finished may come. */
  abstract get awaitingFinished(): boolean;
  abstract onChangeCipherSpec(): void;
  /** A fatal alert (sent or received) or a close during the handshake: forget the session. */
  abstract onFatal(): void;

  handleSSLv2Hello(_body: Uint8Array): void | Promise<void> {
    throw new TLSAlertError(AlertDescription.unexpected_message, 'RFC 2246 E.1: SSLv2-compatible hello out of place');
  }

  /** Derives the key block for the negotiated suite and hands the pending states to the record layer. */
  protected installKeys(suite: CipherSuite, master: Uint8Array, options: { truncatedMac?: boolean; encryptThenMac?: boolean } = {}): void {
    this.masterSecret = master;
    const keys = deriveKeys(suite, master, this.clientRandom, this.serverRandom, this.host.provider);
    this.host.setPendingStates(pendingStates(this.host.provider, suite, keys, this.host.isServer, options));
    this.host.events.keylog?.(`CLIENT_RANDOM ${toHex(this.clientRandom)} ${toHex(master)}`);
  }

  /** A full handshake's keys: the master secret as the agreed extensions say (EMS), then installKeys. */
  protected installFullHandshakeKeys(suite: CipherSuite, preMaster: Uint8Array, agreement: Agreement): Uint8Array {
    const provider = this.host.provider;
    const master = deriveMasterSecret(agreement, {
      preMaster,
      clientRandom: this.clientRandom,
      serverRandom: this.serverRandom,
      provider,
      sessionHash: () => this.host.transcript.hash(provider),
    });
    this.installKeys(suite, master, recordOptionsOf(agreement));
    return master;
  }

  /** verify_data over the transcript (RFC 2246 7.4.9); excludeLast when checking a received Finished. */
  protected finishedData(master: Uint8Array, sender: 'client' | 'server', excludeLast: boolean): Uint8Array {
    const h = this.host.transcript.hash(this.host.provider, excludeLast);
    return finishedVerifyData(master, `${sender} finished`, h.md5, h.sha1, this.host.provider);
  }

  /** RFC 5746 3.5: both Finished values, once this handshake has completed (what a renegotiation needs). */
  get verifyData(): RenegotiationContext | null {
    if (!this.complete || !this.ownFinished || !this.peerFinished) return null;
    const [client, server] = this.host.isServer ? [this.peerFinished, this.ownFinished] : [this.ownFinished, this.peerFinished];
    return { clientVerifyData: client, serverVerifyData: server };
  }

  protected unexpected(message: RawHandshakeMessage, state: string): never {
    throw new TLSAlertError(
      AlertDescription.unexpected_message,
      `RFC 2246 7.3: ${handshakeTypeName(message.type)} not expected in state ${state}`,
    );
  }
}
