/**
 * PEM (RFC 7468) encoding and decoding, with our own base64 codec so lib/ needs no Node Buffer
 * (atob/btoa work on "binary strings" and accept sloppy input; a strict codec gives clearer errors).
 *
 * PEM comes from the application (certificate and key files), never from the peer, so every
 * problem here is a TLSConfigError.
 */
import { TLSConfigError } from '../errors.js';
import { fromUtf8 } from '../util/bytes.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + '=';
  }
  return out;
}

/**
 * Strict base64 decoding: whitespace (any line breaks) is ignored; anything outside the alphabet,
 * padding in the middle, or a length that is not a whole number of quanta is an error.
 */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s]+/g, '');
  if (clean.length % 4 !== 0) throw new TLSConfigError(`base64: length ${clean.length} is not a multiple of 4`);
  let pad = 0;
  if (clean.endsWith('==')) pad = 2;
  else if (clean.endsWith('=')) pad = 1;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const last = i + 4 === clean.length;
    let v = 0;
    for (let j = 0; j < 4; j++) {
      const c = clean.charCodeAt(i + j);
      let d: number;
      if (c === 61 /* = */ && last && j >= 4 - pad) d = 0;
      else {
        d = c < 128 ? DECODE[c]! : -1;
        if (d < 0) throw new TLSConfigError(`base64: invalid character ${JSON.stringify(clean[i + j])} at offset ${i + j}`);
      }
      v = (v << 6) | d;
    }
    out[o++] = v >>> 16;
    if (o < out.length) out[o++] = (v >>> 8) & 0xff;
    if (o < out.length) out[o++] = v & 0xff;
  }
  return out;
}

export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE". */
  label: string;
  /** RFC 1421 header lines (e.g. Proc-Type: 4,ENCRYPTED of an OpenSSL-encrypted key), usually empty. */
  headers: Record<string, string>;
  der: Uint8Array;
}

const BEGIN = /^-----BEGIN ([^-]*)-----\s*$/;
const END = /^-----END ([^-]*)-----\s*$/;

function asText(input: string | Uint8Array): string {
  return typeof input === 'string' ? input : fromUtf8(input);
}

/**
 * Every PEM block in the text, in order. Text outside the blocks (comments, `openssl x509 -text`
 * output, CRLF line ends) is ignored. A BEGIN without a matching END, or bad base64, is an error.
 */
export function pemDecodeBlocks(input: string | Uint8Array): PemBlock[] {
  const lines = asText(input).split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trim());
    if (!begin) continue;
    const label = begin[1]!;
    const headers: Record<string, string> = {};
    const body: string[] = [];
    let inHeaders = true;
    let closed = false;
    for (i++; i < lines.length; i++) {
      const line = lines[i]!.trim();
      const end = END.exec(line);
      if (end) {
        if (end[1] !== label) throw new TLSConfigError(`PEM: "BEGIN ${label}" closed by "END ${end[1]}"`);
        closed = true;
        break;
      }
      if (BEGIN.test(line)) break;
      // RFC 1421 headers ("Name: value") come first, then an empty line, then the base64 body.
      const colon = line.indexOf(':');
      if (inHeaders && colon > 0) {
        headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
        continue;
      }
      inHeaders = false;
      body.push(line);
    }
    if (!closed) throw new TLSConfigError(`PEM: "BEGIN ${label}" has no matching END line`);
    let der: Uint8Array;
    try {
      der = base64Decode(body.join(''));
    } catch (e) {
      throw new TLSConfigError(`PEM ${label}: ${(e as Error).message}`);
    }
    blocks.push({ label, headers, der });
  }
  return blocks;
}

/**
 * The DER contents of every block with this label (or of every block if no label is given).
 * Throws TLSConfigError if there is none.
 */
export function pemDecode(input: string | Uint8Array, label?: string): Uint8Array[] {
  const blocks = pemDecodeBlocks(input).filter((b) => label === undefined || b.label === label);
  if (blocks.length === 0) throw new TLSConfigError(label ? `PEM: no "${label}" block found` : 'PEM: no PEM block found');
  return blocks.map((b) => b.der);
}

/** One PEM block: 64-character base64 lines, LF line ends, trailing newline. */
export function pemEncode(der: Uint8Array, label: string): string {
  const b64 = base64Encode(der);
  let body = '';
  for (let i = 0; i < b64.length; i += 64) body += b64.slice(i, i + 64) + '\n';
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

/** True if the bytes look like a PEM file rather than DER (DER certificates and keys start with SEQUENCE 0x30). */
export function looksLikePem(input: string | Uint8Array): boolean {
  if (typeof input === 'string') return true;
  return asText(input.subarray(0, 64 * 1024)).includes('-----BEGIN ');
}
