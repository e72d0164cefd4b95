/**
 * A FIFO of bytes for the record reader and the handshake reassembler.
 *
 * Why not a list of chunks or concatBytes on every push: byte-at-a-time input would cost O(n^2) with
 * concatenation, and a chunk list makes every header peek walk the list. Instead the queue copies
 * pushed bytes into one contiguous buffer (one memcpy per byte, cheap next to any cipher) and hands
 * out records as views into that buffer, so a record is never copied a second time.
 *
 * Memory: a connection spends most of its life idle, so the queue holds no buffer while it is empty.
 * The first push after that allocates exactly what it brings; a push that does not fit allocates
 * max(needed, 2 x unread), so a record trickling in (byte-at-a-time or in small segments) is still
 * copied O(1) times per byte on average, and a queue that drains holds nothing again.
 *
 * Views stay valid forever because the queue never writes to a byte below its write offset, and
 * never rewinds that offset within a buffer: when the buffer is full it moves the unread tail into a
 * NEW buffer instead of compacting in place, and when the queue drains it lets go of the buffer (the
 * next push starts a new one) instead of reusing it from the start. A buffer the queue has let go of
 * is never written again; the views handed out keep it alive for as long as someone holds them.
 * Copying on push (rather than keeping the caller's arrays) also means a caller may reuse its input
 * buffer as soon as push() returns, and that what comes out is a plain Uint8Array, not a Buffer.
 *
 * Releasing on drain means a new buffer for nearly every push, and a new ArrayBuffer costs ~0.6 µs
 * even at 1 KiB (measured: the receive path of 1 KiB AES records ran 8% slower). A queue made
 * with `{ slab: true }` therefore takes its small buffers (up to SLAB_PIECE_MAX) as exact-size pieces
 * of one process-wide slab, as Node's Buffer pool does. The slab is handed out front to back and never
 * reused, so the guarantee above holds for pieces too: a full slab is dropped, and its pieces live on
 * in whatever holds them. The cost is sharing: a piece's .buffer is the whole slab, i.e. other
 * connections' bytes, and one long-held piece keeps its slab (64 KiB) alive. Hence slab only for the
 * record reader, whose views carry bytes as they were on the wire and go nowhere near the application
 * (RecordProtection.open returns decrypted arrays or copies), never for the handshake reassembler,
 * whose messages are decrypted plaintext and end up in the application's hands (certificates).
 */

/** Shared by every empty queue; zero-length, so nothing is ever written to it. */
const EMPTY = new Uint8Array(0);

/** Buffers up to this size come from the slab, larger ones (e.g. 64 KiB socket reads) are their own. */
export const SLAB_PIECE_MAX = 8 * 1024;
const SLAB_SIZE = 64 * 1024;
let slab = EMPTY;
let slabUsed = 0;

/** An exact-size piece of the shared slab (n <= SLAB_PIECE_MAX); never handed out twice. */
function slabPiece(n: number): Uint8Array {
  if (slabUsed + n > slab.length) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  const piece = slab.subarray(slabUsed, slabUsed + n);
  slabUsed += n;
  return piece;
}

export interface ByteQueueOptions {
  /** Take small buffers from the process-wide slab (see above: for wire bytes only). Default false. */
  slab?: boolean;
}

export class ByteQueue {
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  /** Unread bytes the owner expects to need (see reserve()); applied at the next allocation. */
  private expected = 0;
  private readonly useSlab: boolean;

  constructor(options: ByteQueueOptions = {}) {
    this.useSlab = options.slab ?? false;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Bytes of buffer the queue holds now (unread bytes and room for more); 0 when empty. */
  get capacity(): number {
    return this.buf.length;
  }

  push(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.end + n > this.buf.length) this.grow(n);
    this.buf.set(bytes, this.end);
    this.end += n;
  }

  /**
   * As push(), but the caller hands `bytes` over: it never writes to them again (a socket read's
   * fresh chunk). An empty queue then takes the array itself instead of copying it (issue 18: the
   * receive path's copy was ~2-3% of a 16 KiB socket run). The guarantee above still holds: the
   * queue's write offset starts at the array's end, so a later push moves the unread tail into a new
   * buffer and nothing is ever written into the adopted array.
   */
  pushOwned(bytes: Uint8Array): void {
    if (this.end - this.start > 0 || bytes.length === 0) {
      this.push(bytes);
      return;
    }
    this.buf = bytes;
    this.start = 0;
    this.end = bytes.length;
    this.expected = 0;
  }

  /**
   * Says that `total` unread bytes will be needed (e.g. a record whose header says how long it is),
   * so the next allocation makes room for all of them at once instead of growing step by step. The
   * owner bounds `total` (the record reader by its maximum record length): it is an allocation hint
   * a peer controls. Nothing is allocated now: the bytes may never come.
   */
  reserve(total: number): void {
    this.expected = total;
  }

  /** Byte at offset i from the read position; the caller checks i < length. */
  peek(i: number): number {
    return this.buf[this.start + i]!;
  }

  /** Removes and returns the next n bytes as a view (the caller checks n <= length). */
  take(n: number): Uint8Array {
    const v = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.release();
    return v;
  }

  skip(n: number): void {
    this.start += n;
    if (this.start === this.end) this.release();
  }

  /** Drained: drop the buffer (views already handed out keep what they need alive). */
  private release(): void {
    this.buf = EMPTY;
    this.start = 0;
    this.end = 0;
    this.expected = 0;
  }

  private grow(n: number): void {
    const live = this.end - this.start;
    // At least double the unread bytes: copying them is then paid for by as many new bytes pushed
    // before the next move, which keeps the cost per byte constant for any chunk size.
    const capacity = Math.max(live + n, live * 2, this.expected);
    this.expected = 0;
    const next = this.useSlab && capacity <= SLAB_PIECE_MAX ? slabPiece(capacity) : new Uint8Array(capacity);
    if (live > 0) next.set(this.buf.subarray(this.start, this.end));
    this.buf = next;
    this.start = 0;
    this.end = live;
  }
}
