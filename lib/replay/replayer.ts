/**
 * Replay: a fresh Connection configured as recorded (same seed, same clock) is fed the peer's recorded
 * records one at a time, the recorded application actions happen at their recorded places, and every
 * record ut-tls produces must equal the recorded one, byte for byte. Then the outcome must match:
 * handshake result, suite, resumption, master secret, application data both ways, alert.
 *
 * Runtime-neutral. The peer is never needed: its bytes are in the transcript (Go crypto/tls testdata style).
 */
import { Connection } from '../engine/connection.js';
import type { SessionData } from '../engine/types.js';
import type { TLSError } from '../errors.js';
import { findKeyExchange } from '../engine/key-exchange/index.js';
import { suiteByName } from '../suites.js';
import { bytesEqual, fromHex } from '../util/bytes.js';
import { engineOptionsFor, type KeyFiles } from './config.js';
import { fieldAt, type KeyExchangeWire } from './fields.js';
import { isRecordEntry, type Outcome, type Transcript } from './format.js';
import { alertOutcome, observedOutcome } from './recorder.js';
import { isSSLv2Hello, RecordSplitter, recordTypeName } from './records.js';

export interface Divergence {
  /** Index in transcript.records of the expected ut-tls record (or of the peer record that was refused). */
  recordIndex: number;
  contentType: string;
  /** First differing byte of the record (header included); -1 when a record is missing altogether. */
  offset: number;
  field: string;
  message: string;
}

export interface ReplayResult {
  name: string;
  ok: boolean;
  /** Every problem, in the order found; the first is usually the cause. */
  errors: string[];
  /** The first byte-level divergence of ut-tls's own records, if any. */
  divergence?: Divergence;
  /** ut-tls records compared (and equal). */
  recordsMatched: number;
  /** What the replayed connection did, in the transcript's terms. */
  outcome: Outcome;
  /** The replayed connection's session once the handshake completed (its EMS / EtM / ticket fields). */
  session?: SessionData;
}

/** Header plus the length its header declares (an SSLv2 hello's 2-byte header when allowed), or -1 without a header. */
function declaredRecordLength(record: Uint8Array, allowSSLv2: boolean): number {
  if (allowSSLv2 && isSSLv2Hello(record)) return 2 + (((record[0]! & 0x7f) << 8) | record[1]!);
  if (record.length < 5) return -1;
  return 5 + ((record[3]! << 8) | record[4]!);
}

/** The first index where a and b differ (the shorter length when one is a prefix of the other), or -1. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function hexByte(v: number | undefined): string {
  return v === undefined ? 'nothing' : `0x${v.toString(16).padStart(2, '0')}`;
}

/**
 * Replays one ut-tls transcript. `keys` holds the PEM files the transcript names (vectors/transcripts/keys/).
 * Never throws for a bad transcript body: every problem is in `errors`.
 */
export function replayTranscript(t: Transcript, keys: KeyFiles): ReplayResult {
  const config = t.utTls;
  const errors: string[] = [];
  const result = (outcome: Outcome, recordsMatched: number, divergence?: Divergence, session?: SessionData | null): ReplayResult => ({
    name: t.name,
    ok: errors.length === 0,
    errors,
    ...(divergence ? { divergence } : {}),
    recordsMatched,
    outcome,
    ...(session ? { session } : {}),
  });
  const emptyOutcome: Outcome = { handshake: 'failed', applicationData: { clientToServer: '', serverToClient: '' } };
  if (!config) {
    errors.push(`${t.name}: a capture (no utTls block) cannot be replayed, only decoded`);
    return result(emptyOutcome, 0);
  }

  let complete = false;
  let peerClosed = false;
  let closeCalled = false;
  let error: TLSError | null = null;
  let masterSecret: string | null = null;
  const received: Uint8Array[] = [];
  const written: Uint8Array[] = [];
  const produced: Uint8Array[] = [];
  const splitter = new RecordSplitter(false);

  let conn: Connection;
  try {
    const built = engineOptionsFor(config, keys);
    conn = new Connection(built.options, {
      output: (bytes) => produced.push(...splitter.push(bytes)),
      handshakeComplete: () => {
        complete = true;
      },
      data: (bytes) => {
        received.push(bytes.slice());
      },
      peerClosed: () => {
        peerClosed = true;
      },
      warning: () => undefined,
      error: (err) => {
        error = err;
      },
      keylog: (line) => {
        masterSecret = line.split(' ')[2] ?? null;
      },
    });
  } catch (err) {
    errors.push(`${t.name}: cannot configure the connection: ${err instanceof Error ? err.message : String(err)}`);
    return result(emptyOutcome, 0);
  }

  let divergence: Divergence | undefined;
  let matched = 0;
  let ownEncrypted = false;
  const kx = (): KeyExchangeWire | null => {
    const s = conn.cipherSuite ?? (config.cipherSuites.length === 1 ? suiteByName(config.cipherSuites[0]!) ?? null : null);
    return s ? (findKeyExchange(s)?.wire ?? null) : null;
  };
  const diverge = (d: Divergence): void => {
    divergence ??= d;
    errors.push(d.message);
  };
  let reportedFailure = false;
  const expectedAlert = t.expected.alert;

  const firstPeer = t.records.findIndex((e) => isRecordEntry(e) && e.from === 'peer');
  conn.start();
  t.records.forEach((entry, index) => {
    if (divergence) return; // after the first divergence the rest only repeats it
    if (!isRecordEntry(entry)) {
      if (entry.action === 'write') {
        const data = fromHex(entry.hex);
        written.push(data);
        try {
          conn.write(data);
        } catch (err) {
          errors.push(`entry ${index} (write): ut-tls refused to write: ${err instanceof Error ? err.message : String(err)}`);
        }
      } else {
        closeCalled = true;
        conn.close();
      }
      return;
    }
    const expected = fromHex(entry.hex);
    const type = recordTypeName(expected);
    if (entry.from === 'peer') {
      // A transcript entry is one whole record: anything else means the file was damaged (bytes after a
      // record's end could otherwise go unnoticed, e.g. behind the final close_notify).
      const declared = declaredRecordLength(expected, config.role === 'server' && index === firstPeer);
      if (declared !== expected.length) {
        errors.push(`record ${index} (${type}) from the peer is not one whole record: ${expected.length} bytes, its header says ${declared}`);
      }
      const before = error;
      conn.receive(expected);
      if (error && !before && !reportedFailure) {
        reportedFailure = true;
        const e = error as TLSError;
        const anticipated = expectedAlert && expectedAlert.sentBy === 'ut-tls' && alertOutcome(e, 'ut-tls', 'peer')?.description === expectedAlert.description;
        if (!anticipated && !(expectedAlert && expectedAlert.sentBy === 'peer')) {
          errors.push(`record ${index} (${type}) from the peer was refused by ut-tls: ${e.message}`);
        }
      }
      return;
    }
    // A record ut-tls should have produced by now.
    const got = produced.shift();
    const ctx = { encrypted: ownEncrypted, keyExchange: kx() };
    if (got === undefined) {
      diverge({
        recordIndex: index,
        contentType: type,
        offset: -1,
        field: 'whole record',
        message: `record ${index} (${type}): ut-tls produced nothing where the transcript has ${expected.length} bytes${error ? ` (ut-tls failed: ${(error as TLSError).message})` : ''}`,
      });
      return;
    }
    if (!bytesEqual(got, expected)) {
      const offset = firstDifference(got, expected);
      const field = fieldAt(expected, offset, ctx);
      const lengths = got.length !== expected.length ? `; ut-tls produced ${got.length} bytes, the transcript has ${expected.length}` : '';
      diverge({
        recordIndex: index,
        contentType: type,
        offset,
        field,
        message: `record ${index} (${type}): byte ${offset} differs (${field}): expected ${hexByte(expected[offset])}, ut-tls produced ${hexByte(got[offset])}${lengths}`,
      });
      return;
    }
    matched++;
    if (expected[0] === 20) ownEncrypted = true;
  });
  if (!divergence && produced.length > 0) {
    const extra = produced[0]!;
    diverge({
      recordIndex: t.records.length,
      contentType: recordTypeName(extra),
      offset: -1,
      field: 'whole record',
      message: `ut-tls produced ${produced.length} record(s) more than the transcript has, the first a ${recordTypeName(extra)} record of ${extra.length} bytes`,
    });
  }

  const outcome = observedOutcome(config.role, conn, { complete, peerClosed, closeCalled, error, masterSecret, received, written });
  if (!divergence) errors.push(...compareOutcome(t.expected, outcome));
  return result(outcome, matched, divergence, complete ? conn.session : null);
}


function compareOutcome(expected: Outcome, got: Outcome): string[] {
  const errs: string[] = [];
  const check = (what: string, want: unknown, have: unknown): void => {
    if (want !== undefined && want !== have) errs.push(`outcome: ${what} should be ${JSON.stringify(want)}, replay gave ${JSON.stringify(have)}`);
  };
  check('handshake', expected.handshake, got.handshake);
  check('protocol', expected.protocol, got.protocol);
  check('cipherSuite', expected.cipherSuite, got.cipherSuite);
  check('resumed', expected.resumed, got.resumed);
  check('masterSecret', expected.masterSecret, got.masterSecret);
  check('sessionId', expected.sessionId, got.sessionId);
  check('application data client to server', expected.applicationData.clientToServer, got.applicationData.clientToServer);
  check('application data server to client', expected.applicationData.serverToClient, got.applicationData.serverToClient);
  if (expected.alert) {
    if (!got.alert) errs.push(`outcome: expected a fatal ${expected.alert.name} alert from ${expected.alert.sentBy}, replay had none`);
    else {
      check('alert description', expected.alert.description, got.alert.description);
      check('alert sender', expected.alert.sentBy, got.alert.sentBy);
      check('alert rule', expected.alert.rule, got.alert.rule);
    }
  } else if (got.alert) {
    errs.push(`outcome: replay ended with a fatal ${got.alert.name} alert from ${got.alert.sentBy}${got.alert.reason ? ` (${got.alert.reason})` : ''}, the transcript has none`);
  }
  if (expected.closeNotify && got.closeNotify) {
    check('close_notify from the client', expected.closeNotify.client, got.closeNotify.client);
    check('close_notify from the server', expected.closeNotify.server, got.closeNotify.server);
  }
  return errs;
}

/** One line per problem, for the CLI. */
export function formatReplayResult(r: ReplayResult): string {
  if (r.ok) return `ok   ${r.name} (${r.recordsMatched} ut-tls records identical; ${r.outcome.handshake}${r.outcome.cipherSuite ? ', ' + r.outcome.cipherSuite : ''}${r.outcome.resumed ? ', resumed' : ''}${r.outcome.alert ? `, ${r.outcome.alert.name} from ${r.outcome.alert.sentBy}` : ''})`;
  return [`FAIL ${r.name}`, ...r.errors.map((e) => `     ${e}`)].join('\n');
}
