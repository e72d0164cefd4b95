/**
 * Handshake-message reassembly (RFC 2246 7.4): the handshake protocol is a byte stream carried in
 * handshake records, so one record may hold several messages and one message may span many records,
 * with its 4-byte header split anywhere.
 */
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';
import { ByteQueue } from './byte-queue.js';

export interface RawHandshakeMessage {
  /** HandshakeType. */
  type: number;
  body: Uint8Array;
  /** The 4-byte header + body exactly as on the wire (input to the Finished and CertificateVerify hashes). */
  raw: Uint8Array;
}

const HEADER_LENGTH = 4;

export class HandshakeReassembler {
  private readonly queue = new ByteQueue();

  /** maxMessageLength bounds the memory a peer can make us hold for one message. */
  constructor(private readonly maxMessageLength = 256 * 1024) {}

  /** Appends the fragment of one handshake record (copied). */
  push(fragment: Uint8Array): void {
    this.queue.push(fragment);
  }

  /** The next complete message, or null. raw and body are views that stay valid. */
  next(): RawHandshakeMessage | null {
    const q = this.queue;
    if (q.length < HEADER_LENGTH) return null;
    const length = (q.peek(1) << 16) | (q.peek(2) << 8) | q.peek(3);
    if (length > this.maxMessageLength) {
      // RFC 2246 has no alert for "too big for me". decode_error is what tlsfuzzer expects for a
      // message announcing more than the peer will ever send (test-truncating-of-client-hello "max
      // pad"); it is raised before a byte of the body is buffered.
      throw new TLSAlertError(
        AlertDescription.decode_error,
        `RFC 2246 7.4: handshake message type ${q.peek(0)} declares ${length} bytes, more than the ${this.maxMessageLength} accepted`,
      );
    }
    if (q.length < HEADER_LENGTH + length) return null;
    const raw = q.take(HEADER_LENGTH + length);
    return { type: raw[0]!, body: raw.subarray(HEADER_LENGTH), raw };
  }

  /** True while bytes of an incomplete message are buffered (a CCS now would be unexpected_message). */
  get pending(): boolean {
    return this.queue.length > 0;
  }
}
