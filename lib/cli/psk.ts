/**
 * The CLI's RFC 4279 flags (docs/cli.md, docs/psk.md): --psk-identity, --psk-key HEX, --psk-hint and
 * --psk-file (gnutls-serv's pskpasswd format: one `username:hexkey` per line; `#` comments and blank
 * lines ignored), turned into the socket API's pskCallback / pskIdentityHint.
 */
import type { ClientPskCallback } from '../engine/types.js';
import type { ServerPskCallback } from '../socket/psk-options.js';
import { UsageError, type ParsedCommand } from './args.js';
import { readFile } from './common.js';

export const PSK_CLIENT_OPTIONS = [
  { name: 'psk-identity', kind: 'value', metavar: 'ID', help: 'offer the RFC 4279 PSK suites with this identity (UTF-8; a GBA B-TID);\nneeds --psk-key or --psk-file' },
  { name: 'psk-key', kind: 'value', metavar: 'HEX', help: 'the pre-shared key, hex (a GBA Ks_NAF)' },
  { name: 'psk-file', kind: 'value', metavar: 'FILE', help: "take the key of --psk-identity from FILE (gnutls-serv's pskpasswd format,\n'identity:hexkey' lines)" },
] as const;

export const PSK_SERVER_OPTIONS = [
  { name: 'psk-file', kind: 'value', metavar: 'FILE', help: "accept RFC 4279 PSK suites with the keys in FILE (gnutls-serv's pskpasswd\nformat, 'identity:hexkey' lines); without --key/--cert only PSK and DHE_PSK" },
  { name: 'psk-identity', kind: 'value', metavar: 'ID', help: 'accept this one PSK identity (with --psk-key), as well as --psk-file' },
  { name: 'psk-key', kind: 'value', metavar: 'HEX', help: 'the key of --psk-identity, hex' },
  { name: 'psk-hint', kind: 'value', metavar: 'TEXT', help: 'the psk_identity_hint sent to clients (RFC 4279 5.2; GBA: 3GPP-bootstrapping)' },
] as const;

/** A hex key: an even number of hex digits, at least one byte. */
export function parseHexKey(text: string, what: string, command: string): Uint8Array {
  const clean = text.trim();
  if (clean.length === 0 || clean.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(clean)) {
    throw new UsageError(`${what}: expected the key as an even number of hex digits, got ${JSON.stringify(text)}`, command);
  }
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** The identities and keys of a pskpasswd file (`identity:hexkey`; the identity may hold no ':'; the last ':' splits). */
export function parsePskFile(text: string, file: string, command: string): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const colon = line.lastIndexOf(':');
    if (colon <= 0) throw new UsageError(`${file}:${i + 1}: expected 'identity:hexkey'`, command);
    keys.set(line.slice(0, colon), parseHexKey(line.slice(colon + 1), `${file}:${i + 1}`, command));
  });
  return keys;
}

/** Client: the callback (recording the hint it was given), or undefined without --psk-identity. */
export function clientPsk(p: ParsedCommand): { pskCallback: ClientPskCallback; identity: string; hints: (string | null)[] } | undefined {
  const identity = p.value('psk-identity');
  const keyHex = p.value('psk-key');
  const file = p.value('psk-file');
  if (identity === undefined) {
    if (keyHex !== undefined || file !== undefined) throw new UsageError('--psk-key and --psk-file need --psk-identity', 'client');
    return undefined;
  }
  if ((keyHex === undefined) === (file === undefined)) throw new UsageError('--psk-identity needs exactly one of --psk-key and --psk-file', 'client');
  let psk: Uint8Array;
  if (keyHex !== undefined) psk = parseHexKey(keyHex, '--psk-key', 'client');
  else {
    const found = parsePskFile(readFile(file!, '--psk-file'), file!, 'client').get(identity);
    if (!found) throw new UsageError(`--psk-file ${file}: no key for identity ${JSON.stringify(identity)}`, 'client');
    psk = found;
  }
  const hints: (string | null)[] = [];
  return {
    hints,
    identity,
    pskCallback: (hint) => {
      hints.push(hint);
      return { identity, psk };
    },
  };
}

/** Server: pskCallback over --psk-file and --psk-identity/--psk-key, and the hint; undefined without them. */
export function serverPsk(p: ParsedCommand): { pskCallback: ServerPskCallback; pskIdentityHint: string | undefined } | undefined {
  const file = p.value('psk-file');
  const identity = p.value('psk-identity');
  const keyHex = p.value('psk-key');
  const hint = p.value('psk-hint');
  if ((identity === undefined) !== (keyHex === undefined)) throw new UsageError('--psk-identity and --psk-key go together', 'server');
  if (file === undefined && identity === undefined) {
    if (hint !== undefined) throw new UsageError('--psk-hint needs --psk-file or --psk-identity', 'server');
    return undefined;
  }
  const keys = file !== undefined ? parsePskFile(readFile(file, '--psk-file'), file, 'server') : new Map<string, Uint8Array>();
  if (identity !== undefined) keys.set(identity, parseHexKey(keyHex!, '--psk-key', 'server'));
  return { pskCallback: (_socket, id) => keys.get(id) ?? null, pskIdentityHint: hint };
}
