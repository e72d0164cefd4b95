/**
 * The committed transcripts (vectors/transcripts) for the replay tests: loading, copying to corrupt,
 * flipping a byte, finding a side's records.
 */
import { readKeyFiles, readTranscriptFile } from '../../lib/replay/cli-commands.js';
import { isRecordEntry, type Direction, type Transcript } from '../../lib/replay/format.js';
import { fromHex } from '../../lib/util/bytes.js';
import { vectorPath } from './paths.js';
import { plaintextHandshakeMessages, type WireMessage } from './wire-messages.js';

/** The PEM files the transcripts name (vectors/transcripts/keys/). */
export const transcriptKeys = readKeyFiles(vectorPath('transcripts', 'x.json'));

export const loadTranscript = (name: string): Transcript => readTranscriptFile(vectorPath('transcripts', `${name}.json`));

/** A deep copy to corrupt. */
export const copyTranscript = (x: Transcript): Transcript => JSON.parse(JSON.stringify(x)) as Transcript;

/** hex with the byte at `offset` xor 0x01. */
export function flipByte(hex: string, offset: number): string {
  const b = parseInt(hex.slice(offset * 2, offset * 2 + 2), 16) ^ 0x01;
  return hex.slice(0, offset * 2) + b.toString(16).padStart(2, '0') + hex.slice(offset * 2 + 2);
}

/** Index in records of the n-th record from `from` (0-based). */
export function nth(tr: Transcript, from: string, n: number): number {
  let seen = -1;
  for (let i = 0; i < tr.records.length; i++) {
    const e = tr.records[i]!;
    if (isRecordEntry(e) && e.from === from && ++seen === n) return i;
  }
  throw new Error(`no record ${n} from ${from}`);
}

/** The handshake messages one side sent in the clear (before its ChangeCipherSpec). */
export function plaintextMessagesFrom(tr: Transcript, from: Direction): WireMessage[] {
  return plaintextHandshakeMessages(tr.records.filter(isRecordEntry).filter((e) => e.from === from).map((e) => fromHex(e.hex)));
}
