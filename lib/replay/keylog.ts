/**
 * NSS key-log files (the SSLKEYLOGFILE format written by ut-tls's keylog event, GnuTLS, OpenSSL, NSS):
 * `CLIENT_RANDOM <64 hex: client random> <96 hex: master secret>` per line; `#` comments and other
 * labels (TLS 1.3 secrets, RSA premasters) are skipped.
 */
import { fromHex } from '../util/bytes.js';

/** Master secrets by lower-case client-random hex. */
export function parseKeyLog(text: string): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    if (parts[0] !== 'CLIENT_RANDOM' || parts.length !== 3) continue;
    const random = parts[1]!.toLowerCase();
    const master = parts[2]!;
    if (!/^[0-9a-f]{64}$/.test(random) || !/^[0-9a-fA-F]{96}$/.test(master)) continue;
    out.set(random, fromHex(master));
  }
  return out;
}

export function keyLogLine(clientRandomHex: string, masterHex: string): string {
  return `CLIENT_RANDOM ${clientRandomHex} ${masterHex}`;
}
