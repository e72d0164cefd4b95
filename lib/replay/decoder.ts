/**
 * Decodes a transcript with an NSS key log: the handshake messages in order, every record decrypted
 * with its MAC checked, both Finished messages recomputed from the master secret and the handshake
 * hash, and the application data each way. It needs nothing from ut-tls's side of the session, so it
 * reads captures of other implementations (gnutls-cli against gnutls-serv through a relay) too.
 *
 * Runtime-neutral; the master secret itself is never printed (secrets never reach logs).
 */
import { alertName } from '../alerts.js';
import { pureProvider } from '../crypto/pure.js';
import { finishedVerifyData } from '../crypto/prf.js';
import { findKeyExchange } from '../engine/key-exchange/index.js';
import { deriveKeys } from '../engine/key-schedule.js';
import { decodeCertificate } from '../messages/certificate.js';
import { decodeCertificateRequest } from '../messages/certificate-request.js';
import { decodeClientHello, decodeSSLv2ClientHello, type ClientHello } from '../messages/client-hello.js';
import { decodeServerHello } from '../messages/server-hello.js';
import { decodeDheServerKeyExchange } from '../messages/server-key-exchange.js';
import { decodeServerNameList } from '../messages/extensions/server-name.js';
import type { Extension } from '../messages/extensions/types.js';
import { HandshakeReassembler } from '../record/handshake-reassembler.js';
import { RecordProtection } from '../record/protection.js';
import { suiteById, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV, type CipherSuite } from '../suites.js';
import { bytesEqual, concatBytes, fromHex, toHex } from '../util/bytes.js';
import { parseCertificate } from '../x509/certificate.js';
import { extensionName, handshakeMessageName } from './fields.js';
import { isRecordEntry, sessionFromJson, type Direction, type Transcript } from './format.js';
import { parseKeyLog } from './keylog.js';
import { contentTypeName, isSSLv2Hello } from './records.js';

export type Side = 'client' | 'server';

export interface DecodedMessage {
  from: Side;
  /** HandshakeType. */
  type: number;
  name: string;
  length: number;
  detail: string;
  /** Finished only: whether verify_data equals the value recomputed from the key log. */
  verified?: boolean;
}

export interface DecodedRecord {
  /** Index in transcript.records. */
  index: number;
  from: Side;
  type: string;
  length: number;
  /** The fragment was ciphertext. */
  encrypted: boolean;
  /** Encrypted records: whether it was decrypted and its MAC (and padding) checked out. */
  macVerified?: boolean;
  lines: string[];
}

export type FinishedState = 'verified' | 'failed' | 'absent' | 'not decrypted';

export interface TranscriptAnalysis {
  records: DecodedRecord[];
  /** Every handshake message in wire order, including the encrypted Finished messages. */
  messages: DecodedMessage[];
  cipherSuite: string | null;
  resumed: boolean;
  clientRandom: string | null;
  /** A CLIENT_RANDOM line for this session was in the key log. */
  keyFound: boolean;
  clientFinished: FinishedState;
  serverFinished: FinishedState;
  macVerified: number;
  macFailed: number;
  applicationData: { clientToServer: Uint8Array; serverToClient: Uint8Array };
  alerts: { from: Side; level: 'warning' | 'fatal'; description: number; name: string }[];
  /** Problems found; empty for a session that decodes cleanly. */
  errors: string[];
  ok: boolean;
}

interface DirectionState {
  reassembler: HandshakeReassembler;
  /** Set at this side's ChangeCipherSpec. */
  protection: RecordProtection | null;
  changedCipherSpec: boolean;
  /** A MAC failure desynchronises the cipher state: later records of this direction are not decrypted. */
  broken: boolean;
  data: Uint8Array[];
}

function sideOf(from: Direction, t: Transcript): Side {
  if (from === 'client' || from === 'server') return from;
  const utRole = t.utTls?.role ?? 'client';
  if (from === 'ut-tls') return utRole;
  return utRole === 'client' ? 'server' : 'client';
}

function suiteLabel(id: number): string {
  if (id === TLS_EMPTY_RENEGOTIATION_INFO_SCSV) return 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV';
  if (id === TLS_FALLBACK_SCSV) return 'TLS_FALLBACK_SCSV';
  return suiteById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

function versionLabel(v: number): string {
  if (v === 0x0300) return 'SSL 3.0';
  if (v >= 0x0301 && v <= 0x0304) return `TLS 1.${v - 0x0301}`;
  return `0x${v.toString(16).padStart(4, '0')}`;
}

function extensionsLabel(exts: Extension[] | null): string {
  if (exts === null) return 'no extensions';
  if (exts.length === 0) return 'empty extension block';
  return (
    'extensions: ' +
    exts
      .map((e) => {
        if (e.type === 0 && e.data.length > 0) {
          try {
            const name = decodeServerNameList(e.data).hostName;
            if (name !== undefined) return `server_name(${name})`;
          } catch {
            return 'server_name(undecodable)';
          }
        }
        return e.data.length > 0 ? `${extensionName(e.type)}(${e.data.length} bytes)` : extensionName(e.type);
      })
      .join(', ')
  );
}

/** Printable application data: a JSON string of the first bytes (latin1), and the length. */
function dataLabel(d: Uint8Array): string {
  const shown = d.subarray(0, 64);
  let s = '';
  for (const b of shown) s += String.fromCharCode(b);
  return `${d.length} bytes ${JSON.stringify(s)}${d.length > shown.length ? '…' : ''}`;
}

function certificateLabel(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    return `${c.subject.text.replace(/\n/g, ', ')} (issuer ${c.issuer.text.replace(/\n/g, ', ')}; RSA ${c.publicKeyBits} bits)`;
  } catch {
    return `${der.length} bytes (does not parse as X.509)`;
  }
}

/**
 * The decoder one record at a time, for transcripts (analyzeTranscript) and live connections
 * (live-trace.ts). `keys` (master secrets by client-random hex) may grow while records come in.
 */
export interface SessionDecoder {
  /** Decodes one whole record (as RecordSplitter cuts them) sent by `from`; `index` numbers it. */
  record(index: number, from: Side, bytes: Uint8Array): DecodedRecord | undefined;
  /** A record from `from` that could only be decrypted with a key `keys` does not hold yet. */
  needsKey(from: Side, bytes: Uint8Array): boolean;
  /** Problems found so far. */
  readonly errors: readonly string[];
  result(): TranscriptAnalysis;
}

export interface SessionDecoderOptions {
  /** The session uses truncated HMAC from the start (a resumed transcript's session says so). */
  truncatedMac?: boolean;
  /**
   * Keep every record and the application data for result() (default true). A live trace says
   * false: its memory then stays bounded by the handshake, however long the connection lasts.
   */
  retain?: boolean;
  /** Show the first bytes of application data (default true); false shows only the length. */
  showData?: boolean;
}

export function createSessionDecoder(keys: Map<string, Uint8Array>, options: SessionDecoderOptions = {}): SessionDecoder {
  const retain = options.retain !== false;
  const showData = options.showData !== false;
  const provider = pureProvider;
  const errors: string[] = [];
  const records: DecodedRecord[] = [];
  const messages: DecodedMessage[] = [];
  const alerts: TranscriptAnalysis['alerts'] = [];
  const handshake: Uint8Array[] = [];
  const dir: Record<Side, DirectionState> = {
    client: { reassembler: new HandshakeReassembler(1 << 24), protection: null, changedCipherSpec: false, broken: false, data: [] },
    server: { reassembler: new HandshakeReassembler(1 << 24), protection: null, changedCipherSpec: false, broken: false, data: [] },
  };
  let clientHello: ClientHello | null = null;
  let clientRandom: Uint8Array | null = null;
  let serverRandom: Uint8Array | null = null;
  let suite: CipherSuite | null = null;
  let resumed = false;
  let truncatedMac = options.truncatedMac === true;
  /** RFC 7366: the ServerHello agreed to encrypt_then_mac (the record layer applies it to block ciphers only). */
  let encryptThenMac = false;
  let master: Uint8Array | null = null;
  let keyFound = false;
  let pending: Record<Side, RecordProtection> | null = null;
  let keyError = false;
  const finished: Record<Side, FinishedState> = { client: 'absent', server: 'absent' };
  let macVerified = 0;
  let macFailed = 0;

  const ensureKeys = (): Record<Side, RecordProtection> | null => {
    if (pending) return pending;
    if (keyError) return null;
    if (!clientRandom || !serverRandom || !suite) {
      keyError = true;
      errors.push('ChangeCipherSpec before both hellos were seen: cannot derive keys');
      return null;
    }
    master = keys.get(toHex(clientRandom)) ?? null;
    if (!master) {
      keyError = true;
      errors.push(`no CLIENT_RANDOM line for ${toHex(clientRandom)} in the key log`);
      return null;
    }
    keyFound = true;
    if (suite.cipher !== 'NULL' && !suite.implemented) {
      keyError = true;
      errors.push(`${suite.name} cannot be decrypted by ut-tls`);
      return null;
    }
    const k = deriveKeys(suite, master, clientRandom, serverRandom);
    pending = {
      client: RecordProtection.create(provider, suite, k.client, 'open', { truncatedMac, encryptThenMac }),
      server: RecordProtection.create(provider, suite, k.server, 'open', { truncatedMac, encryptThenMac }),
    };
    return pending;
  };

  const onMessage = (from: Side, type: number, raw: Uint8Array, body: Uint8Array, lines: string[]): void => {
    const name = handshakeMessageName(type);
    const m: DecodedMessage = { from, type, name, length: body.length, detail: '' };
    try {
      switch (type) {
        case 1: {
          const ch = decodeClientHello(body);
          clientHello = ch;
          clientRandom = ch.random;
          m.detail = `${versionLabel(ch.version)}, random ${toHex(ch.random)}, session_id ${ch.sessionId.length ? toHex(ch.sessionId) : '(empty)'}, suites [${ch.cipherSuites.map(suiteLabel).join(', ')}], compression [${ch.compressionMethods.join(', ')}], ${extensionsLabel(ch.extensions)}`;
          break;
        }
        case 2: {
          const sh = decodeServerHello(body);
          serverRandom = sh.random;
          suite = suiteById(sh.cipherSuite) ?? null;
          const offered = (clientHello as ClientHello | null)?.sessionId;
          resumed = sh.sessionId.length > 0 && offered !== undefined && bytesEqual(sh.sessionId, offered);
          const exts = sh.extensions ?? [];
          if (exts.some((e) => e.type === 4)) truncatedMac = true;
          encryptThenMac = exts.some((e) => e.type === 22);
          m.detail = `${versionLabel(sh.version)}, random ${toHex(sh.random)}, session_id ${sh.sessionId.length ? toHex(sh.sessionId) : '(empty)'}${resumed ? ' (resumes the offered session)' : ''}, suite ${suiteLabel(sh.cipherSuite)}, compression ${sh.compressionMethod}, ${extensionsLabel(sh.extensions)}`;
          break;
        }
        case 11: {
          const chain = decodeCertificate(body);
          m.detail = chain.length === 0 ? 'empty certificate list' : chain.map((c, i) => `[${i}] ${certificateLabel(c)}`).join('; ');
          break;
        }
        case 12: {
          if (suite && findKeyExchange(suite as CipherSuite)?.wire.serverKeyExchange.includes('dh_p')) {
            const ske = decodeDheServerKeyExchange(body);
            m.detail = `DH p ${ske.params.p.length * 8} bits, g ${toHex(ske.params.g)}, Ys ${ske.params.ys.length} bytes, signature ${ske.signature.length} bytes`;
          } else m.detail = `${body.length} bytes`;
          break;
        }
        case 13: {
          const req = decodeCertificateRequest(body);
          m.detail = `certificate types [${req.certificateTypes.join(', ')}], ${req.certificateAuthorities.length} certificate authorities`;
          break;
        }
        case 14:
          break;
        case 16:
          m.detail = `${body.length - 2} bytes of ${suite && findKeyExchange(suite as CipherSuite)?.wire.clientKeyExchange.includes('dh_Yc') ? 'dh_Yc' : 'encrypted premaster secret'}`;
          break;
        case 15:
          m.detail = `signature ${body.length - 2} bytes`;
          break;
        case 20: {
          const label = from === 'client' ? 'client finished' : 'server finished';
          if (master && body.length === 12) {
            const all = concatBytes(...handshake);
            const expected = finishedVerifyData(master, label, provider.hash('md5', all), provider.hash('sha1', all));
            m.verified = bytesEqual(expected, body);
            finished[from] = m.verified ? 'verified' : 'failed';
            if (!m.verified) errors.push(`${from} Finished does not verify: verify_data ${toHex(body)}, expected ${toHex(expected)}`);
          } else {
            finished[from] = 'failed';
            errors.push(`${from} Finished cannot be checked (${master ? `verify_data of ${body.length} bytes` : 'no master secret'})`);
          }
          m.detail = `verify_data ${toHex(body)} ${m.verified ? 'verified' : 'NOT verified'}`;
          break;
        }
        case 4: {
          const lifetime = body.length >= 4 ? ((body[0]! << 24) | (body[1]! << 16) | (body[2]! << 8) | body[3]!) >>> 0 : 0;
          m.detail = `lifetime hint ${lifetime} s, ticket ${Math.max(0, body.length - 6)} bytes`;
          break;
        }
        default:
          m.detail = `${body.length} bytes`;
      }
    } catch (err) {
      m.detail = `does not decode: ${err instanceof Error ? err.message : String(err)}`;
      errors.push(`${from} ${name}: ${m.detail}`);
    }
    handshake.push(raw);
    messages.push(m);
    lines.push(m.detail ? `${name}: ${m.detail}` : name);
  };

  const record = (index: number, from: Side, bytes: Uint8Array): DecodedRecord | undefined => {
    const state = dir[from];
    const lines: string[] = [];
    if (index === 0 || (from === 'client' && messages.length === 0 && isSSLv2Hello(bytes))) {
      if (isSSLv2Hello(bytes)) {
        const body = bytes.subarray(2);
        const rec: DecodedRecord = { index, from, type: 'sslv2-client-hello', length: body.length, encrypted: false, lines };
        try {
          const ch = decodeSSLv2ClientHello(body);
          clientHello = ch;
          clientRandom = ch.random;
          handshake.push(body);
          const m: DecodedMessage = {
            from,
            type: 1,
            name: 'ClientHello',
            length: body.length,
            detail: `SSLv2-compatible, ${versionLabel(ch.version)}, challenge → random ${toHex(ch.random)}, TLS suites [${ch.cipherSuites.map(suiteLabel).join(', ')}]`,
          };
          messages.push(m);
          lines.push(`ClientHello: ${m.detail}`);
        } catch (err) {
          errors.push(`record ${index}: SSLv2-compatible hello does not decode: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (retain) records.push(rec);
        return rec;
      }
    }
    if (bytes.length < 5) {
      errors.push(`record ${index}: ${bytes.length} bytes, shorter than a record header`);
      return undefined;
    }
    const type = bytes[0]!;
    const version = (bytes[1]! << 8) | bytes[2]!;
    const declared = (bytes[3]! << 8) | bytes[4]!;
    const fragment = bytes.subarray(5);
    const rec: DecodedRecord = { index, from, type: contentTypeName(type), length: fragment.length, encrypted: state.changedCipherSpec, lines };
    if (retain) records.push(rec);
    if (declared !== fragment.length) {
      errors.push(`record ${index}: length field says ${declared}, the record has ${fragment.length} bytes`);
      return rec;
    }
    let plain: Uint8Array;
    if (state.changedCipherSpec) {
      if (!state.protection || state.broken) {
        lines.push('(not decrypted)');
        return rec;
      }
      try {
        plain = state.protection.open({ type, version, fragment });
        rec.macVerified = true;
        macVerified++;
      } catch (err) {
        rec.macVerified = false;
        macFailed++;
        state.broken = true;
        errors.push(`record ${index} (${from}, ${contentTypeName(type)}): ${err instanceof Error ? err.message : String(err)}`);
        lines.push('MAC or padding check FAILED; later records of this side are not decrypted');
        return rec;
      }
    } else {
      plain = fragment;
    }
    switch (type) {
      case 22: {
        try {
          state.reassembler.push(plain);
          for (let m = state.reassembler.next(); m; m = state.reassembler.next()) onMessage(from, m.type, m.raw, m.body, lines);
        } catch (err) {
          errors.push(`record ${index}: ${err instanceof Error ? err.message : String(err)}`);
        }
        break;
      }
      case 20: {
        state.changedCipherSpec = true;
        const keysNow = ensureKeys();
        if (keysNow) state.protection = keysNow[from];
        lines.push(`ChangeCipherSpec: the ${from} now writes with ${suite ? (suite as CipherSuite).name : 'unknown keys'}${keysNow ? '' : ' (no keys: later records are not decrypted)'}`);
        break;
      }
      case 21:
        for (let i = 0; i + 1 < plain.length; i += 2) {
          const level = plain[i] === 2 ? 'fatal' : 'warning';
          alerts.push({ from, level, description: plain[i + 1]!, name: alertName(plain[i + 1]!) });
          lines.push(`alert: ${level} ${alertName(plain[i + 1]!)} (${plain[i + 1]})`);
        }
        break;
      case 23:
        if (retain) state.data.push(plain.slice());
        lines.push(`application data: ${showData ? dataLabel(plain) : `${plain.length} bytes`}`);
        break;
      default:
        lines.push(`unknown content type ${type}`);
    }
    return rec;
  };

  const needsKey = (from: Side, bytes: Uint8Array): boolean => {
    if (pending || keyError || !clientRandom) return false;
    const encryptedOrCcs = dir[from].changedCipherSpec || (bytes.length >= 5 && bytes[0] === 20);
    return encryptedOrCcs && !keys.has(toHex(clientRandom));
  };

  const result = (): TranscriptAnalysis => {
    const s = suite as CipherSuite | null;
    const ok = errors.length === 0 && macFailed === 0;
    return {
      records,
      messages,
      cipherSuite: s ? s.name : null,
      resumed,
      clientRandom: clientRandom ? toHex(clientRandom) : null,
      keyFound,
      clientFinished: finished.client === 'absent' && dir.client.changedCipherSpec ? 'not decrypted' : finished.client,
      serverFinished: finished.server === 'absent' && dir.server.changedCipherSpec ? 'not decrypted' : finished.server,
      macVerified,
      macFailed,
      applicationData: { clientToServer: concatBytes(...dir.client.data), serverToClient: concatBytes(...dir.server.data) },
      alerts,
      errors,
      ok,
    };
  };
  return { record, needsKey, errors, result };
}

/** Decodes the transcript and checks it; `keylogText` is an NSS key-log file's content. */
export function analyzeTranscript(t: Transcript, keylogText: string): TranscriptAnalysis {
  const decoder = createSessionDecoder(parseKeyLog(keylogText), { truncatedMac: t.utTls?.session ? sessionFromJson(t.utTls.session).truncatedHmac === true : false });
  t.records.forEach((entry, index) => {
    if (isRecordEntry(entry)) decoder.record(index, sideOf(entry.from, t), fromHex(entry.hex));
  });
  return decoder.result();
}

function arrow(from: Side): string {
  return from === 'client' ? 'client -> server' : 'server -> client';
}

/** The human-readable decoding: one block per record, then a summary. */
export function formatAnalysis(t: Transcript, a: TranscriptAnalysis): string {
  const out: string[] = [];
  const who = t.utTls ? `ut-tls (${t.utTls.role}) with ${t.peer ? `${t.peer.implementation} ${t.peer.version}` : 'a peer'}` : `${t.capture!.client} with ${t.capture!.server} (capture)`;
  out.push(`${t.name}: ${who}${t.synthetic ? ' [synthetic peer]' : ''}`);
  for (const r of a.records) {
    const state = r.encrypted ? (r.macVerified === true ? 'decrypted, MAC verified' : r.macVerified === false ? 'MAC FAILED' : 'encrypted') : 'plaintext';
    out.push(`[${r.index}] ${arrow(r.from)}  ${r.type}  ${r.length} bytes  (${state})`);
    for (const l of r.lines) out.push(`      ${l}`);
  }
  out.push('summary:');
  out.push(`  suite: ${a.cipherSuite ?? 'none negotiated'}${a.cipherSuite ? (a.resumed ? ', abbreviated handshake (resumed)' : ', full handshake') : ''}`);
  out.push(`  key log: ${a.keyFound ? 'master secret found for' : 'no master secret for'} client random ${a.clientRandom ?? '(none)'}`);
  out.push(`  client Finished: ${a.clientFinished}; server Finished: ${a.serverFinished}`);
  out.push(`  record MACs: ${a.macVerified} verified, ${a.macFailed} failed`);
  out.push(`  application data: client -> server ${a.applicationData.clientToServer.length} bytes, server -> client ${a.applicationData.serverToClient.length} bytes`);
  if (a.alerts.length) out.push(`  alerts: ${a.alerts.map((x) => `${x.level} ${x.name} from the ${x.from}`).join(', ')}`);
  if (a.errors.length) {
    out.push('problems:');
    for (const e of a.errors) out.push(`  ${e}`);
  }
  return out.join('\n') + '\n';
}

/** The handshake messages and decrypted records of `t`, as text (see formatAnalysis). */
export function decodeTranscript(t: Transcript, keylogText: string): string {
  return formatAnalysis(t, analyzeTranscript(t, keylogText));
}
