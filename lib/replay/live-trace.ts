/**
 * A live trace of one connection, record by record, in both directions: what `ut-tls decode` prints
 * for a transcript (decoder.ts), printed while the connection runs. TLSSocket.enableTrace() and the
 * CLI's --trace feed it the bytes as they cross the transport, and the connection's own key-log lines
 * so that the encrypted records (Finished, alerts after ChangeCipherSpec) are decrypted and checked.
 *
 * Secrets never reach the output: the decoder prints randoms, lengths, suites, verify_data (public on
 * the wire once decrypted) and never the master secret, keys or premaster; application data is shown
 * by length only. Memory stays bounded: nothing is retained past the handshake except the decoder's
 * handshake transcript (for the Finished check) and at most MAX_QUEUED records waiting for their key.
 *
 * Runtime-neutral (no node:* imports): the caller decides where the lines go.
 */
import { createSessionDecoder, type DecodedRecord, type SessionDecoder, type Side } from './decoder.js';
import { parseKeyLog } from './keylog.js';
import { RecordSplitter } from './records.js';

/** Records held while their key is not known yet; past this they are printed as not decrypted. */
const MAX_QUEUED = 64;

export class LiveTrace {
  private readonly decoder: SessionDecoder;
  private readonly keys = new Map<string, Uint8Array>();
  private readonly fromPeer: RecordSplitter;
  private readonly fromUs = new RecordSplitter(false);
  private readonly queue: { from: Side; bytes: Uint8Array }[] = [];
  private index = 0;
  private errorsShown = 0;
  private readonly peer: Side;

  /** `role` is this side of the connection; `write` gets one line at a time (no newline). */
  constructor(
    private readonly role: Side,
    private readonly write: (line: string) => void,
  ) {
    this.peer = role === 'client' ? 'server' : 'client';
    // A server may receive an SSLv2-compatible ClientHello as its first record (RFC 2246 E.1).
    this.fromPeer = new RecordSplitter(role === 'server');
    this.decoder = createSessionDecoder(this.keys, { retain: false, showData: false });
  }

  /** Bytes this side wrote to the transport. */
  sent(bytes: Uint8Array): void {
    for (const r of this.fromUs.push(bytes)) this.take(this.role, r);
  }

  /** Bytes the transport delivered from the peer (before the engine handles them). */
  received(bytes: Uint8Array): void {
    for (const r of this.fromPeer.push(bytes)) this.take(this.peer, r);
  }

  /** An NSS key-log line of this connection (the 'keylog' event): lets the encrypted records decode. */
  keylog(line: string): void {
    for (const [random, master] of parseKeyLog(line)) this.keys.set(random, master);
    this.flush();
  }

  /** The connection is over: print whatever still waits for a key. */
  end(): void {
    this.flush(true);
  }

  private take(from: Side, bytes: Uint8Array): void {
    if (this.queue.length > 0 || this.decoder.needsKey(from, bytes)) {
      this.queue.push({ from, bytes });
      if (this.queue.length > MAX_QUEUED) this.flush(true);
      return;
    }
    this.print(from, bytes);
  }

  private flush(force = false): void {
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (!force && this.decoder.needsKey(next.from, next.bytes)) return;
      this.queue.shift();
      this.print(next.from, next.bytes);
    }
  }

  private print(from: Side, bytes: Uint8Array): void {
    const rec = this.decoder.record(this.index++, from, bytes);
    if (rec) {
      this.write(recordLine(rec, from === this.role ? 'sent' : 'received'));
      for (const l of rec.lines) this.write(`    ${l}`);
    }
    const errors = this.decoder.errors;
    for (; this.errorsShown < errors.length; this.errorsShown++) this.write(`    problem: ${errors[this.errorsShown]}`);
  }
}

function recordLine(r: DecodedRecord, how: 'sent' | 'received'): string {
  const arrow = r.from === 'client' ? 'client -> server' : 'server -> client';
  const state = r.encrypted ? (r.macVerified === true ? 'decrypted, MAC verified' : r.macVerified === false ? 'MAC FAILED' : 'encrypted') : 'plaintext';
  return `record ${r.index} ${how} ${arrow} ${r.type} ${r.length} bytes (${state})`;
}
