/**
 * What the ut-tls subcommands share: reading the files named on the command line, HOST:PORT, and
 * the one-line description of a failure ("code=... alert=... reason=...") scripts may parse.
 */
import { readFileSync } from 'node:fs';
import { alertName } from '../alerts.js';
import { TLSConfigError } from '../errors.js';
import { UsageError } from './args.js';

export const CRYPTO_CHOICES = ['auto', 'pure', 'native'] as const;

export function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new TLSConfigError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

export function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (err) {
    throw new TLSConfigError(`${what}: cannot read ${path}: ${(err as Error).message}`);
  }
}

export function parsePort(text: string, command: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535) throw new UsageError(`bad port ${JSON.stringify(text)}`, command);
  return Number(text);
}

/** "host:port", "[v6]:port". */
export function parseHostPort(text: string, command: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (!m) throw new UsageError(`expected HOST:PORT, got ${JSON.stringify(text)}`, command);
  return { host: m[1]!, port: parsePort(m[2]!, command) };
}

/** "code=... alert=... reason=..." for a failure; the alert is named when there is one. */
export function describeError(err: unknown): string {
  const e = err as { code?: string; alert?: number; message?: string };
  const alert = typeof e.alert === 'number' ? `${alertName(e.alert)}(${e.alert})` : '-';
  return `code=${e.code ?? 'ERR_UNKNOWN'} alert=${alert} reason=${e.message ?? String(err)}`;
}

/**
 * SIGINT/SIGTERM handling shared by the long-running subcommands (server, ap): the first signal calls
 * `stop(signal, leave)`, whose job is to drain and then call `leave(how)`; a second signal exits at once.
 * `leave` logs "stopped HOW" on stderr and exits 0 once stdout is flushed (scripts read the last lines).
 */
export function onStopSignals(
  log: (line: string) => void,
  stop: (signal: string, leave: (how: string) => void) => void,
): void {
  let stopping = false;
  const leave = (how: string) => {
    log(`stopped ${how}`);
    process.stdout.write('', () => process.exit(0));
  };
  const onSignal = (signal: string) => {
    if (stopping) process.exit(0); // a second signal: leave now
    stopping = true;
    stop(signal, leave);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
}
