/**
 * Runs one fuzz input and checks the invariants of issue 21:
 *   - nothing is thrown from receive() (or start());
 *   - a connection that dies reports exactly one error event, a typed TLSAlertError, never the
 *     internal_error that masks a crash (the pendingInputLimit refusal excepted);
 *   - nothing is emitted after the fatal error;
 *   - the record reader's queue stays within its bound after every receive();
 *   - no input takes more than a second (MAX_INPUT_MS).
 * Parser targets may only throw DecodeError / TLSError, within the same time bound.
 */
import { AlertDescription } from '../../lib/alerts.js';
import type { EngineEvents } from '../../lib/engine/types.js';
import { TLSAlertError, TLSError } from '../../lib/errors.js';
import { DecodeError } from '../../lib/util/bytes.js';
import { mulberry32 } from './mutator.js';
import type { ParserTarget } from './parsers.js';
import type { Scenario } from './scenarios.js';

export const MAX_INPUT_MS = 1000;
/** What the record reader may hold when not suspended: one partial record of the largest size. */
const MAX_PARTIAL_RECORD = 5 + 16384 + 2048;

export interface Result {
  /** Invariant violations; empty when the input ended cleanly. */
  failures: string[];
  /** The alert the connection ended with ("" when none), for the alert tally. */
  alert: string;
  ms: number;
}

/**
 * Feeds `input` to a fresh connection of the scenario. With `chunkSeed` the input arrives in seeded
 * random pieces of 1..64 bytes (the same pieces for the same seed); without, in one receive().
 */
export async function runConnection(s: Scenario, input: Uint8Array, chunkSeed: number | null): Promise<Result> {
  const started = performance.now();
  const failures: string[] = [];
  const errors: unknown[] = [];
  let fatal = false;
  const after: string[] = [];
  const note = (name: string) => {
    if (fatal) after.push(name);
  };
  let peerClosed = false;
  const events: EngineEvents = {
    output: () => note('output'),
    handshakeComplete: () => note('handshakeComplete'),
    renegotiated: () => note('renegotiated'),
    data: () => note('data'),
    peerClosed: () => {
      note('peerClosed');
      peerClosed = true;
    },
    warning: () => note('warning'),
    session: () => note('session'),
    keylog: () => note('keylog'),
    inputResumed: () => note('inputResumed'),
    error: (e) => {
      note('error');
      errors.push(e);
      fatal = true;
    },
  };
  const conn = s.make(events);
  const bound = Math.max(conn.pendingInputLimit, MAX_PARTIAL_RECORD);
  const feed = (b: Uint8Array) => {
    conn.receive(b);
    if (conn.bufferedInput > bound) failures.push(`record reader holds ${conn.bufferedInput} bytes, bound ${bound}`);
  };
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setImmediate(r));
      if (!conn.suspended) break;
    }
  };
  try {
    conn.start();
    if (chunkSeed === null) feed(input);
    else {
      const rand = mulberry32(chunkSeed);
      for (let off = 0; off < input.length; ) {
        const n = 1 + Math.floor(rand() * 64);
        feed(input.subarray(off, off + n));
        off += n;
        // Now and then let an async hook answer mid-flight.
        if (rand() < 0.1) await settle();
      }
    }
    await settle();
    if (conn.suspended) failures.push('still suspended on an async hook after the input ended');
    // After the end (or the fatal error), more bytes must change nothing.
    const wasFatal = fatal;
    // A clear alert can only be read as one when no partial record is left in the reader.
    const clean = conn.bufferedInput === 0;
    feed(new Uint8Array([21, 3, 1, 0, 2, 2, 40]));
    feed(input.subarray(0, 16));
    await settle();
    if (clean && !wasFatal && !peerClosed && errors.length === 0 && !conn.closed) {
      // A clear fatal alert from the peer must end a live connection with one error.
      failures.push('a fatal alert from the peer raised no error');
    }
  } catch (err) {
    failures.push(`receive() threw ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
  if (errors.length > 1) failures.push(`${errors.length} error events: ${errors.map(String).join(' | ')}`);
  const tail = after.filter((e, i) => !(e === 'error' && i === 0 && errors.length === 1));
  if (tail.length > 0) failures.push(`events after the fatal error: ${tail.join(',')}`);
  let alert = '';
  for (const e of errors) {
    if (!(e instanceof TLSError)) failures.push(`error is not a TLSError: ${String(e)}`);
    else if (!(e instanceof TLSAlertError)) failures.push(`error has no alert: ${e.code} ${e.message}`);
    else {
      alert = e.alertName;
      if (e.alert === AlertDescription.internal_error && !/pendingInputLimit/.test(e.message)) {
        const cause = (e as { cause?: unknown }).cause;
        failures.push(`internal_error (a masked crash): ${e.message} ${cause instanceof Error ? cause.stack : ''}`);
      }
    }
  }
  const ms = performance.now() - started;
  if (ms > MAX_INPUT_MS) failures.push(`input took ${ms.toFixed(0)} ms (bound ${MAX_INPUT_MS} ms)`);
  return { failures, alert, ms };
}

/** Runs a parser target on one input. */
export function runParser(p: ParserTarget, input: Uint8Array): Result {
  const started = performance.now();
  const failures: string[] = [];
  let alert = '';
  try {
    p.run(input);
  } catch (e) {
    if (e instanceof DecodeError || e instanceof TLSError) alert = e.constructor.name;
    else failures.push(`${p.name} threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  const ms = performance.now() - started;
  if (ms > MAX_INPUT_MS) failures.push(`input took ${ms.toFixed(0)} ms (bound ${MAX_INPUT_MS} ms)`);
  return { failures, alert, ms };
}

/** The kind of a failure, for deciding whether a smaller input still fails "the same way". */
export function signature(failures: string[]): string {
  return failures
    .map((f) => f.replace(/\d+/g, 'N').split('\n')[0]!.slice(0, 60))
    .sort()
    .join(' / ');
}
