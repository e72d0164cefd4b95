/**
 * Key logging to a file, as GnuTLS, NSS, curl and rustls do: every connection appends its NSS key-log
 * line (`CLIENT_RANDOM <client random> <master secret>`) to the file named by, in this order,
 *   1. the `keylogFile` option (client and server),
 *   2. node's own `--tls-keylog=FILE` flag (process.execArgv),
 *   3. the SSLKEYLOGFILE environment variable.
 * WARNING: anyone who can read that file can decrypt the recorded traffic. It is created with mode
 * 0600; meant for test labs and Wireshark, never for production.
 *
 * The line is appended synchronously when the keys are made (before the Finished exchange), so a
 * capture tool reading the file sees it before the first encrypted record. A file that cannot be
 * written is reported once per path as a process warning; the connection carries on.
 */
import { appendFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import { TLSConfigError } from '../errors.js';

const warned = new Set<string>();

/** node's `--tls-keylog=FILE` (or `--tls-keylog FILE`) in execArgv, if given. */
export function tlsKeylogFlag(execArgv: readonly string[] = process.execArgv): string | undefined {
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (a.startsWith('--tls-keylog=')) return a.slice('--tls-keylog='.length) || undefined;
    if (a === '--tls-keylog') return execArgv[i + 1];
  }
  return undefined;
}

/** The file key-log lines go to for a connection with this `keylogFile` option, or undefined. */
export function keylogTarget(keylogFile: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (keylogFile !== undefined) {
    if (typeof keylogFile !== 'string' || keylogFile === '') {
      throw new TLSConfigError(`keylogFile: expected a file path, got ${typeof keylogFile === 'string' ? 'an empty string' : typeof keylogFile}`);
    }
    return keylogFile;
  }
  return tlsKeylogFlag() ?? (env.SSLKEYLOGFILE ? env.SSLKEYLOGFILE : undefined);
}

/** Appends one key-log line; a failure is a warning, never the connection's problem. */
export function appendKeylogLine(path: string, line: Uint8Array): void {
  try {
    appendFileSync(path, line, { mode: 0o600 });
  } catch (err) {
    if (warned.has(path)) return;
    warned.add(path);
    process.emitWarning(`ut-tls: cannot append to the key-log file ${path}: ${(err as Error).message}`, 'KeylogWarning');
  }
}

/** Makes `socket`'s 'keylog' lines go to the key-log file, when one is configured. */
export function attachKeylogFile(socket: EventEmitter, keylogFile: unknown): void {
  const path = keylogTarget(keylogFile);
  if (path === undefined) return;
  socket.on('keylog', (line: Buffer) => appendKeylogLine(path, line));
}
