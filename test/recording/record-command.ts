/**
 * NODE-ONLY, repository tooling (not shipped): `npm run record -- [--out DIR] [--keys DIR] [--list] [NAME...]`
 * records vectors/transcripts/*.json against live peers (gnutls-serv / gnutls-cli on PATH, node:tls in
 * process). It needs a source checkout, so it is not a subcommand of the installed `ut-tls`.
 * Returns an exit code: 0 recorded (or listed), 1 a recording failed or GnuTLS is missing, 2 a usage error.
 */
import { existsSync } from 'node:fs';
import { basename, delimiter, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CAPTURE_NAME, recordAll, scenarios } from './scenarios.js';

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

export const RECORD_USAGE = `usage: npm run record -- [--out DIR] [--keys DIR] [--list] [NAME...]
  Records transcripts against live peers (gnutls-serv/gnutls-cli on PATH, node:tls in process).
  --out DIR   where to write NAME.json (default: the repository's vectors/transcripts)
  --keys DIR  the fixed certificates and keys (default OUT/keys; created when missing)
  --list      print the transcript names and exit
`;

/** Every transcript name the scenarios know, plus the GnuTLS-to-GnuTLS capture. */
export function transcriptNames(): string[] {
  return [...scenarios().flatMap((s) => s.names), CAPTURE_NAME];
}

/** Whether an executable named `name` is in one of the PATH directories. */
function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, name)));
}

export async function recordCommand(args: string[], defaultOut: string, io: CommandIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { out: { type: 'string' }, keys: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    io.err(`record: ${(err as Error).message}\n${RECORD_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(RECORD_USAGE);
    return 0;
  }
  const known = transcriptNames();
  if (values.list) {
    io.out(known.join('\n') + '\n');
    return 0;
  }
  const names = positionals.map((n) => basename(n, '.json'));
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    io.err(`record: unknown transcript ${unknown.join(', ')} (--list names them)\n`);
    return 2;
  }
  if (values.out === '') {
    io.err(`record: --out needs a directory\n`);
    return 2;
  }
  const missing = ['gnutls-serv', 'gnutls-cli'].filter((p) => !onPath(p));
  if (missing.length > 0) {
    io.err(`record: needs GnuTLS (${missing.join(', ')} not on PATH)\n`);
    return 1;
  }
  const outDir = resolve(values.out ?? defaultOut);
  try {
    const files = await recordAll({ outDir, keysDir: resolve(values.keys ?? join(outDir, 'keys')), only: names, log: (m) => io.out(m + '\n') });
    io.out(`recorded ${files.length} transcript(s)\n`);
    return 0;
  } catch (err) {
    io.err(`record: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  }
}
