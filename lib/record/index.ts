/** The record layer (RFC 2246 section 6): framing, protection, fragmentation, reassembly, alert bodies. */
export { ContentType, TLS_1_0, MAX_PLAINTEXT, MAX_COMPRESSED, MAX_CIPHERTEXT, RECORD_HEADER_LENGTH, isKnownContentType } from './constants.js';
export { RecordReader, encodeRecord, writeHeader, type TLSRecord, type SSLv2HelloRecord, type RecordReaderOptions } from './framing.js';
export {
  RecordProtection,
  TRUNCATED_MAC_LENGTH,
  type TrafficKeys,
  type RecordProtectionOptions,
  type ProtectionDirection,
} from './protection.js';
export { fragment, splitApplicationData } from './fragmenter.js';
export { HandshakeReassembler, type RawHandshakeMessage } from './handshake-reassembler.js';
export { encodeAlert, decodeAlerts, encodeChangeCipherSpec, isValidChangeCipherSpec, type Alert } from './alert-codec.js';
