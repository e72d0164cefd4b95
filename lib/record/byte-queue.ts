/**
 * A FIFO of bytes for the record reader and the handshake reassembler.
 *
 * Why not a list of chunks or concatBytes on every push: byte-at-a-time input would cost O(n^2) with
 * concatenation, and a chunk list makes every header peek walk the list. Instead the queue copies
 * pushed bytes into one contiguous buffer (one memcpy per byte, cheap next to any cipher) and hands
 * out records as views into that buffer, so a record is never copied a second time.
 *
 * Views stay valid forever because the queue never writes below its write offset: when the buffer
 * is full it moves the unread tail into a NEW buffer instead of compacting in place. A consumed
 * region of an old buffer is therefore never overwritten while someone may still hold a view of it.
 * Copying on push (rather than keeping the caller's arrays) also means a caller may reuse its input
 * buffer as soon as push() returns, and that what comes out is a plain Uint8Array, not a Buffer.
 */
export class ByteQueue {
  private buf: Uint8Array;
  private start = 0;
  private end = 0;

  constructor(private readonly minCapacity = 4096) {
    this.buf = new Uint8Array(0);
  }

  get length(): number {
    return this.end - this.start;
  }

  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.end + n > this.buf.length) this.grow(n);
    this.buf.set(bytes, this.end);
    this.end += n;
  }

  /** Byte at offset i from the read position; the caller checks i < length. */
  peek(i: number): number {
    return this.buf[this.start + i]!;
  }

  /** Removes and returns the next n bytes as a view (the caller checks n <= length). */
  take(n: number): Uint8Array {
    const v = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    return v;
  }

  skip(n: number): void {
    this.start += n;
  }

  private grow(n: number): void {
    const live = this.end - this.start;
    // Doubling keeps the amortised cost per byte constant for any chunk size.
    const capacity = Math.max(this.minCapacity, (live + n) * 2);
    const next = new Uint8Array(capacity);
    if (live > 0) next.set(this.buf.subarray(this.start, this.end));
    this.buf = next;
    this.start = 0;
    this.end = live;
  }
}
