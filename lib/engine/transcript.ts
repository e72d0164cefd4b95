/**
 * The handshake transcript: every handshake message as sent or received (4-byte header + body, or the
 * SSLv2-compatible hello's body), in order, for the Finished and CertificateVerify hashes (RFC 2246 7.4.8,
 * 7.4.9). HelloRequest, ChangeCipherSpec and alerts are never added.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import { concatBytes } from '../util/bytes.js';

export interface TranscriptHash {
  md5: Uint8Array;
  sha1: Uint8Array;
  /** MD5 || SHA-1, 36 bytes: what TLS 1.0 signs in CertificateVerify. */
  both: Uint8Array;
}

export class Transcript {
  private readonly messages: Uint8Array[] = [];

  add(raw: Uint8Array): void {
    this.messages.push(raw);
  }

  /**
   * Hashes of the messages so far; with excludeLast, of all but the newest one (the message being
   * verified: a Finished or CertificateVerify is checked against what came before it).
   */
  hash(provider: CryptoProvider, excludeLast = false): TranscriptHash {
    const list = excludeLast ? this.messages.slice(0, -1) : this.messages;
    const all = list.length === 1 ? list[0]! : concatBytes(...list);
    const md5 = provider.hash('md5', all);
    const sha1 = provider.hash('sha1', all);
    return { md5, sha1, both: concatBytes(md5, sha1) };
  }
}
