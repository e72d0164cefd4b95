/**
 * Names what sits at a byte offset of a record ("ServerHello.random", "record header: length",
 * "encrypted fragment"), so that a replay divergence says which field differs, not only where.
 * Also the one-line summaries the recorder writes beside each record. Tolerant by design: it reads
 * records that may be corrupt and never throws.
 */
import { alertName } from '../alerts.js';
import { handshakeTypeName } from '../messages/types.js';
import { extensionTypeName } from '../messages/extensions/types.js';
import { DHE_RSA_KEY_EXCHANGE } from '../engine/key-exchange/dhe-rsa.js';
import type { KeyExchangeAlgorithm } from '../engine/key-exchange/index.js';
import { RSA_KEY_EXCHANGE } from '../engine/key-exchange/rsa.js';
import { contentTypeName, isSSLv2Hello } from './records.js';

/** The key-exchange message layouts (each key exchange names its fields: engine/key-exchange/). */
export type KeyExchangeWire = KeyExchangeAlgorithm['wire'];

/** Suite not known yet: a ServerKeyExchange can only be DHE's, a ClientKeyExchange is named as RSA's. */
const UNKNOWN_WIRE: KeyExchangeWire = {
  serverKeyExchange: DHE_RSA_KEY_EXCHANGE.wire.serverKeyExchange,
  clientKeyExchange: RSA_KEY_EXCHANGE.wire.clientKeyExchange,
};

/** client_hello -> ClientHello; new_session_ticket (4) is named too, since GnuTLS and OpenSSL peers may send it. */
export function handshakeMessageName(type: number): string {
  if (type === 4) return 'NewSessionTicket';
  const snake = handshakeTypeName(type);
  if (snake.startsWith('unknown')) return `HandshakeType(${type})`;
  return snake
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** Extension names, including the later ones real peers send (so transcripts of GnuTLS/OpenSSL read well). */
const LATER_EXTENSIONS: Record<number, string> = {
  10: 'supported_groups',
  11: 'ec_point_formats',
  13: 'signature_algorithms',
  15: 'heartbeat',
  16: 'application_layer_protocol_negotiation',
  21: 'padding',
  22: 'encrypt_then_mac',
  23: 'extended_master_secret',
  28: 'record_size_limit',
  35: 'session_ticket',
};

export function extensionName(type: number): string {
  return LATER_EXTENSIONS[type] ?? extensionTypeName(type);
}

interface Span {
  name: string;
  start: number;
  end: number;
}

/** A tolerant cursor: lengths that run past the end are cut at the end instead of throwing. */
class Layout {
  readonly spans: Span[] = [];
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly base: number,
  ) {}
  get left(): number {
    return this.bytes.length - this.pos;
  }
  fixed(name: string, n: number): void {
    const end = Math.min(this.pos + n, this.bytes.length);
    this.spans.push({ name, start: this.base + this.pos, end: this.base + end });
    this.pos = end;
  }
  /** Big-endian number of n bytes at pos + skip, without moving. */
  num(n: number, skip = 0): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + (this.bytes[this.pos + skip + i] ?? 0);
    return v;
  }
  /** A vector with an n-byte length prefix, counted as one field (prefix included). */
  vector(name: string, lengthBytes: number): number {
    const len = this.num(lengthBytes);
    const start = this.pos;
    this.fixed(name, lengthBytes + len);
    return start + lengthBytes;
  }
}

function helloExtensions(l: Layout, prefix: string, body: Uint8Array): void {
  if (l.left < 2) return;
  const total = l.num(2);
  l.fixed(`${prefix}.extensions length`, 2);
  const end = Math.min(l.pos + total, body.length);
  while (l.pos + 4 <= end) {
    // type(2) + length(2) + data: one field per extension, named by its type.
    const type = l.num(2);
    const len = l.num(2, 2);
    l.fixed(`${prefix}.extensions[${extensionName(type)}]`, 4 + len);
  }
  if (l.left > 0) l.fixed(`${prefix} trailing bytes`, l.left);
}

/** The fields of one handshake message body, as absolute offsets (base = the body's first byte in the record). */
function bodySpans(type: number, body: Uint8Array, base: number, kx: KeyExchangeWire | null): Span[] {
  const name = handshakeMessageName(type);
  const l = new Layout(body, base);
  switch (type) {
    case 1: // ClientHello
    case 2: // ServerHello
      l.fixed(`${name}.${type === 1 ? 'client_version' : 'server_version'}`, 2);
      l.fixed(`${name}.random`, 32);
      l.vector(`${name}.session_id`, 1);
      if (type === 1) {
        l.vector(`${name}.cipher_suites`, 2);
        l.vector(`${name}.compression_methods`, 1);
      } else {
        l.fixed(`${name}.cipher_suite`, 2);
        l.fixed(`${name}.compression_method`, 1);
      }
      helloExtensions(l, name, body);
      break;
    case 11: {
      // Certificate: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>
      l.fixed(`${name}.certificate_list length`, 3);
      let i = 0;
      while (l.left >= 3) l.vector(`${name}.certificate_list[${i++}]`, 3);
      break;
    }
    case 12:
      for (const field of (kx ?? UNKNOWN_WIRE).serverKeyExchange) l.vector(`${name}.${field}`, 2);
      break;
    case 13:
      l.vector(`${name}.certificate_types`, 1);
      l.vector(`${name}.certificate_authorities`, 2);
      break;
    case 16:
      for (const field of (kx ?? UNKNOWN_WIRE).clientKeyExchange) l.vector(`${name}.${field}`, 2);
      break;
    case 15:
      l.vector(`${name}.signature`, 2);
      break;
    case 20:
      l.fixed(`${name}.verify_data`, body.length);
      break;
    default:
      break;
  }
  if (l.left > 0) l.fixed(`${name} body`, l.left);
  return l.spans;
}

export interface FieldContext {
  /** The record's fragment is ciphertext (the sender had sent ChangeCipherSpec). */
  encrypted: boolean;
  /** Key exchange of the negotiated suite, when known (tells ServerKeyExchange/ClientKeyExchange layouts apart). */
  keyExchange?: KeyExchangeWire | null;
}

/** The name of the field that contains byte `offset` of `record` (header included). */
export function fieldAt(record: Uint8Array, offset: number, ctx: FieldContext): string {
  if (isSSLv2Hello(record)) {
    if (offset < 2) return 'SSLv2 record header: length';
    const names: [string, number][] = [
      ['msg_type', 1],
      ['version', 2],
      ['cipher_spec_length', 2],
      ['session_id_length', 2],
      ['challenge_length', 2],
    ];
    let at = 2;
    for (const [n, len] of names) {
      if (offset < at + len) return `SSLv2 ClientHello.${n}`;
      at += len;
    }
    const specLen = ((record[5] ?? 0) << 8) | (record[6] ?? 0);
    const sidLen = ((record[7] ?? 0) << 8) | (record[8] ?? 0);
    if (offset < at + specLen) return 'SSLv2 ClientHello.cipher_specs';
    if (offset < at + specLen + sidLen) return 'SSLv2 ClientHello.session_id';
    return 'SSLv2 ClientHello.challenge';
  }
  if (offset === 0) return 'record header: content type';
  if (offset < 3) return 'record header: version';
  if (offset < 5) return 'record header: length';
  const type = record[0];
  if (ctx.encrypted) return `encrypted ${contentTypeName(type ?? -1)} fragment`;
  switch (type) {
    case 20:
      return 'ChangeCipherSpec';
    case 21:
      return (offset - 5) % 2 === 0 ? 'alert level' : 'alert description';
    case 23:
      return 'application data';
    case 22:
      return handshakeField(record, offset, ctx.keyExchange ?? null);
    default:
      return 'fragment';
  }
}

function handshakeField(record: Uint8Array, offset: number, kx: KeyExchangeWire | null): string {
  let at = 5;
  while (at < record.length) {
    const type = record[at]!;
    const name = handshakeMessageName(type);
    if (at + 4 > record.length) return `${name} header (cut by the record end)`;
    const len = (record[at + 1]! << 16) | (record[at + 2]! << 8) | record[at + 3]!;
    if (offset === at) return `${name} header: msg_type`;
    if (offset < at + 4) return `${name} header: length`;
    const bodyEnd = Math.min(at + 4 + len, record.length);
    if (offset < bodyEnd) {
      const body = record.subarray(at + 4, bodyEnd);
      const span = bodySpans(type, body, at + 4, kx).find((s) => offset >= s.start && offset < s.end);
      return span ? span.name : `${name} body`;
    }
    at = at + 4 + len;
  }
  return 'handshake fragment';
}

/** One line about a record as the recorder sees it: message names, alert, or "encrypted". */
export function summarizeRecord(record: Uint8Array, encrypted: boolean): string {
  if (isSSLv2Hello(record)) return 'SSLv2-compatible ClientHello';
  const type = record[0];
  if (encrypted) return type === 23 ? 'application data (encrypted)' : `${contentTypeName(type ?? -1)} (encrypted)`;
  switch (type) {
    case 20:
      return 'ChangeCipherSpec';
    case 21:
      return record.length >= 7 ? `alert ${record[5] === 2 ? 'fatal' : 'warning'} ${alertName(record[6]!)}` : 'alert (short)';
    case 22: {
      const names: string[] = [];
      let at = 5;
      while (at + 4 <= record.length) {
        const len = (record[at + 1]! << 16) | (record[at + 2]! << 8) | record[at + 3]!;
        names.push(handshakeMessageName(record[at]!) + (at + 4 + len > record.length ? ' (continues)' : ''));
        at += 4 + len;
      }
      if (at < record.length) names.push('(fragment)');
      return names.join(', ');
    }
    case 23:
      return 'application data';
    default:
      return contentTypeName(type ?? -1);
  }
}
