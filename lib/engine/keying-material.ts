/**
 * RFC 5705 keying material exporters at TLS 1.0 (section 4):
 *   PRF(master_secret, label, client_random + server_random [+ uint16 context length + context])[length]
 * with the TLS 1.0 PRF (MD5 xor SHA-1). No context and an empty context give different output, as
 * the RFC requires and as node:tls (OpenSSL) does. Argument and label checks match node:tls so code
 * written against node:tls sees the same error codes.
 */
import { prf, type MacSource } from '../crypto/prf.js';
import { TLSError } from '../errors.js';
import { concatBytes } from '../util/bytes.js';

/** What the exporter needs from a completed handshake. */
export interface ExporterInputs {
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

/**
 * RFC 5705 4 forbids labels that collide with the PRF's own uses; OpenSSL (hence node:tls) refuses
 * any label that starts with one of these, so a label like 'key expansion2' is refused too.
 */
const RESERVED_PREFIXES = ['client finished', 'server finished', 'master secret', 'extended master secret', 'key expansion'];

function argError<E extends Error>(make: new (m: string) => E, code: string, message: string): E & { code: string } {
  return Object.assign(new make(message), { code });
}

/** Throws as node:tls's exportKeyingMaterial does for bad arguments (TypeError / RangeError with node's codes). */
export function checkExporterArguments(length: unknown, label: unknown, context: unknown): void {
  if (typeof length !== 'number') throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "length" argument must be of type number`);
  if (!Number.isInteger(length) || length < 1 || length > 0xffffffff) {
    throw argError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "length" is out of range. It must be >= 1 && <= 4294967295. Received ${length}`);
  }
  if (typeof label !== 'string') throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "label" argument must be of type string`);
  if (context !== undefined && !ArrayBuffer.isView(context)) {
    throw argError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "context" argument must be an instance of Buffer, TypedArray, or DataView`);
  }
  if (RESERVED_PREFIXES.some((p) => label.startsWith(p))) {
    throw new TLSError('ERR_SSL_TLS_ILLEGAL_EXPORTER_LABEL', `RFC 5705 4: exporter label '${label}' is reserved by TLS`);
  }
}

/** The exporter output; arguments already checked by checkExporterArguments. */
export function exportKeyingMaterial(
  inputs: ExporterInputs,
  length: number,
  label: string,
  context: ArrayBufferView | undefined,
  macs?: MacSource,
): Uint8Array {
  const parts = [inputs.clientRandom, inputs.serverRandom];
  if (context !== undefined) {
    const ctx = new Uint8Array(context.buffer, context.byteOffset, context.byteLength);
    // RFC 5705 4: the context is at most 2^16-1 bytes (its length is a uint16).
    if (ctx.length > 0xffff) throw argError(RangeError, 'ERR_OUT_OF_RANGE', `The "context" must be at most 65535 bytes`);
    parts.push(new Uint8Array([ctx.length >> 8, ctx.length & 0xff]), ctx);
  }
  return prf(inputs.masterSecret, label, concatBytes(...parts), length, macs);
}
