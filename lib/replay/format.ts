/**
 * The transcript format (docs/vectors.md): one recorded TLS session as JSON — who played which role
 * with which configuration, every record in wire order with its direction and bytes, the application's
 * own actions (write, close) at the point where they happened, and the outcome to reach again.
 *
 * Two kinds share the format:
 * - a ut-tls transcript (`utTls` present): ut-tls played one role against `peer`; records are
 *   `from: "ut-tls"` or `from: "peer"` and the session can be replayed byte for byte;
 * - a capture (`capture` present): a session between two other implementations seen through a relay;
 *   records are `from: "client"` or `from: "server"`; it can only be decoded with a key log.
 *
 * Runtime-neutral: JSON in, typed values out; no file access here.
 */
import type { SessionData } from '../engine/types.js';
import { decodeSession, encodeSession } from '../session/codec.js';
import { fromHex, toHex } from '../util/bytes.js';

export const TRANSCRIPT_FORMAT = 'ut-tls-transcript';
export const TRANSCRIPT_VERSION = 1;

export type Direction = 'ut-tls' | 'peer' | 'client' | 'server';

/** One TLS record (or the SSLv2-compatible hello) exactly as it crossed the wire. */
export interface RecordEntry {
  from: Direction;
  /** Content type name from the header, for readers ("handshake", "sslv2-client-hello", ...). Informational. */
  type: string;
  /** What the record holds as far as the recorder could see without keys. Informational. */
  summary?: string;
  /** Header and fragment, hex. */
  hex: string;
}

/** Something ut-tls's application did between two records. */
export type ActionEntry = { action: 'write'; hex: string } | { action: 'close' };

export type TranscriptEntry = RecordEntry | ActionEntry;

export function isRecordEntry(e: TranscriptEntry): e is RecordEntry {
  return (e as RecordEntry).from !== undefined;
}

/**
 * SessionData as JSON: the session codec's bytes (lib/session/codec.ts) in hex, so a field added to
 * SessionData (an extension's flag kept for resumption) reaches transcripts with no list to update.
 */
export interface SessionJson {
  encoded: string;
}

/** How ut-tls was configured: enough to build the same Connection again. */
export interface UtTlsConfig {
  role: 'client' | 'server';
  /** seededRandom(seed) (lib/crypto/random.ts) is ut-tls's only source of randomness. */
  seed: string;
  /** The engine's clock: now() returns this value (ms since the epoch) for the whole connection. */
  clock: number;
  /** RFC names, in the order configured. */
  cipherSuites: string[];
  servername?: string;
  /** Server: ask for a client certificate. */
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
  /** File names in vectors/transcripts/keys/: the PEM chain ut-tls presents (server, or client certificate), and its key. */
  certificate?: string;
  privateKey?: string;
  /**
   * Extension-related engine options passed to the Connection as they are (e.g. {"maxFragmentLength": 512}).
   * Empty: only what the engine sends by default (server_name when servername is set; RFC 5746 signalling).
   */
  extensions: Record<string, unknown>;
  /** Resumption: the session of the earlier connection (client: options.session; server: preloaded in the store). */
  session?: SessionJson;
  /**
   * Server: the RFC 5077 ticket keys, 48 bytes in hex (node:tls ticketKeys shape: key name, HMAC key,
   * AES key), so tickets seal and open the same way in every replay. Absent: the engine's own keys.
   */
  ticketKeys?: string;
}

export interface PeerInfo {
  /** "gnutls-serv", "gnutls-cli", "node:tls", or "synthetic". */
  implementation: string;
  /** e.g. "3.7.9", or "OpenSSL 3.0.19 (Node 20.20.2)". */
  version: string;
  role: 'client' | 'server';
  /** How the peer was run (command line or API call), for re-recording by hand. */
  command?: string;
}

export interface AlertOutcome {
  description: number;
  name: string;
  /** Who sent the fatal alert. */
  sentBy: Direction;
  /** The rule ut-tls named (e.g. "TS 33.141 7.2(a)"), when ut-tls sent it. */
  rule?: string;
  /** ut-tls's full reason text, informational. */
  reason?: string;
}

export interface Outcome {
  handshake: 'complete' | 'failed';
  protocol?: 'TLSv1';
  cipherSuite?: string;
  resumed?: boolean;
  /** hex; what ut-tls's keylog event gave (or the key log, for captures). */
  masterSecret?: string;
  sessionId?: string;
  /** Application data plaintext, hex, each way, concatenated in order. */
  applicationData: { clientToServer: string; serverToClient: string };
  alert?: AlertOutcome;
  /** Who sent close_notify. */
  closeNotify?: { client: boolean; server: boolean };
}

export interface Transcript {
  format: typeof TRANSCRIPT_FORMAT;
  version: typeof TRANSCRIPT_VERSION;
  name: string;
  description: string;
  /** True when the peer is not a real implementation (the SSLv2-compatible hello). */
  synthetic?: boolean;
  /** ISO date of the recording; informational. */
  recorded?: string;
  peer?: PeerInfo;
  utTls?: UtTlsConfig;
  /** Captures: the two implementations seen through the relay. */
  capture?: { client: string; server: string };
  records: TranscriptEntry[];
  expected: Outcome;
}

export class TranscriptFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptFormatError';
  }
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** utTls.ticketKeys: 48 bytes (TICKET_KEYS_LENGTH in lib/session/tickets.ts) as 96 lower-case hex characters. */
const TICKET_KEYS_HEX = /^[0-9a-f]{96}$/;

/** The bytes of utTls.ticketKeys; a TranscriptFormatError for anything but 96 lower-case hex characters. */
export function ticketKeysFromHex(v: unknown): Uint8Array {
  if (typeof v !== 'string' || !TICKET_KEYS_HEX.test(v)) {
    const got = typeof v === 'string' ? `${v.length} characters` : typeof v;
    fail('utTls.ticketKeys', `must be 96 lower-case hex characters (48 bytes: key name, HMAC key, AES key), got ${got}`);
  }
  return fromHex(v);
}

function fail(where: string, what: string): never {
  throw new TranscriptFormatError(`${where}: ${what}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkHex(v: unknown, where: string): string {
  if (typeof v !== 'string' || !HEX.test(v)) fail(where, 'must be a lower-case hex string');
  return v;
}

/**
 * Checks the shape of parsed JSON and returns it typed. Every field the replayer and decoder rely on
 * is checked here, so they never meet a missing or mistyped value.
 */
export function parseTranscript(json: unknown): Transcript {
  if (!isObject(json)) fail('transcript', 'must be a JSON object');
  if (json.format !== TRANSCRIPT_FORMAT) fail('format', `must be "${TRANSCRIPT_FORMAT}"`);
  if (json.version !== TRANSCRIPT_VERSION) fail('version', `unsupported version ${String(json.version)} (this reader knows ${TRANSCRIPT_VERSION})`);
  if (typeof json.name !== 'string' || json.name === '') fail('name', 'must be a non-empty string');
  if (!Array.isArray(json.records)) fail('records', 'must be an array');
  const isCapture = json.capture !== undefined;
  if (isCapture === (json.utTls !== undefined)) fail('transcript', 'needs exactly one of utTls (a ut-tls session) or capture (a relay capture)');
  const directions: readonly Direction[] = isCapture ? ['client', 'server'] : ['ut-tls', 'peer'];
  json.records.forEach((e: unknown, i: number) => {
    const where = `records[${i}]`;
    if (!isObject(e)) fail(where, 'must be an object');
    if (e.from !== undefined) {
      if (!directions.includes(e.from as Direction)) fail(`${where}.from`, `must be one of ${directions.join(', ')}`);
      checkHex(e.hex, `${where}.hex`);
      if ((e.hex as string).length === 0) fail(`${where}.hex`, 'must not be empty');
    } else if (e.action === 'write') {
      if (isCapture) fail(where, 'captures have no actions');
      checkHex(e.hex, `${where}.hex`);
    } else if (e.action === 'close') {
      if (isCapture) fail(where, 'captures have no actions');
    } else {
      fail(where, 'must be a record ({from, hex}) or an action ({action: "write"|"close"})');
    }
  });
  if (json.utTls !== undefined) checkConfig(json.utTls);
  if (!isObject(json.expected)) fail('expected', 'must be an object');
  const x = json.expected;
  if (x.handshake !== 'complete' && x.handshake !== 'failed') fail('expected.handshake', 'must be "complete" or "failed"');
  if (!isObject(x.applicationData)) fail('expected.applicationData', 'must be an object');
  checkHex(x.applicationData.clientToServer, 'expected.applicationData.clientToServer');
  checkHex(x.applicationData.serverToClient, 'expected.applicationData.serverToClient');
  if (x.masterSecret !== undefined) checkHex(x.masterSecret, 'expected.masterSecret');
  if (x.alert !== undefined) {
    if (!isObject(x.alert) || typeof x.alert.description !== 'number') fail('expected.alert', 'must have a numeric description');
    if (!directions.includes(x.alert.sentBy as Direction)) fail('expected.alert.sentBy', `must be one of ${directions.join(', ')}`);
  }
  return json as unknown as Transcript;
}

function checkConfig(c: unknown): void {
  if (!isObject(c)) fail('utTls', 'must be an object');
  if (c.role !== 'client' && c.role !== 'server') fail('utTls.role', 'must be "client" or "server"');
  if (typeof c.seed !== 'string') fail('utTls.seed', 'must be a string');
  if (typeof c.clock !== 'number' || !Number.isFinite(c.clock)) fail('utTls.clock', 'must be a number (ms since the epoch)');
  if (!Array.isArray(c.cipherSuites) || c.cipherSuites.some((s) => typeof s !== 'string')) fail('utTls.cipherSuites', 'must be an array of names');
  if (!isObject(c.extensions)) fail('utTls.extensions', 'must be an object (possibly empty)');
  if (c.role === 'server' && (typeof c.certificate !== 'string' || typeof c.privateKey !== 'string')) {
    fail('utTls', 'the server role needs certificate and privateKey file names');
  }
  if (c.session !== undefined) {
    const s = c.session;
    if (!isObject(s)) fail('utTls.session', 'must be an object');
    checkHex(s.encoded, 'utTls.session.encoded');
  }
  if (c.ticketKeys !== undefined) {
    if (c.role !== 'server') fail('utTls.ticketKeys', 'only the server role seals tickets');
    ticketKeysFromHex(c.ticketKeys);
  }
}

export function sessionToJson(s: SessionData): SessionJson {
  return { encoded: toHex(encodeSession(s)) };
}

/** The session of a transcript's config; a DecodeError when `encoded` is not a session. */
export function sessionFromJson(s: SessionJson): SessionData {
  return decodeSession(fromHex(s.encoded));
}

/** JSON text with one record per line group: stable, diff-friendly output for committed files. */
export function serializeTranscript(t: Transcript): string {
  return JSON.stringify(t, null, 2) + '\n';
}
