/**
 * Typed errors of ut-tls/gba. Bad input given to the helpers (a B-TID from the wire, a key of the wrong
 * size, a parameter longer than the 2-byte length of TS 33.220 B.2 allows) becomes a GbaError with a
 * stable `code`, never a bare TypeError or a silently wrong key.
 */
import { TLSError } from '../errors.js';

export type GbaErrorCode =
  | 'ERR_GBA_BAD_BTID'
  | 'ERR_GBA_BAD_KEY'
  | 'ERR_GBA_BAD_PARAMETER'
  | 'ERR_GBA_BAD_NAF_ID';

export class GbaError extends TLSError {
  declare readonly code: GbaErrorCode;
  constructor(code: GbaErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GbaError';
  }
}
