/**
 * NODE-ONLY (reads files): the `ut-tls replay` and `ut-tls decode` commands. Each returns an exit
 * code and writes to the given streams, so lib/cli.ts only has to route the arguments. Recording
 * transcripts against live peers is repository tooling (test/recording, `npm run record`).
 *
 *   ut-tls replay FILE|DIR...                replays transcripts; non-zero on any divergence
 *   ut-tls decode FILE --keylog KEYLOG       prints handshake messages and decrypted records
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { KeyFiles } from './config.js';
import { analyzeTranscript, formatAnalysis } from './decoder.js';
import { parseTranscript, type Transcript } from './format.js';
import { formatReplayResult, replayTranscript } from './replayer.js';

export interface CommandIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

const defaultIO: CommandIO = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Reads and checks one transcript file. */
export function readTranscriptFile(path: string): Transcript {
  return parseTranscript(JSON.parse(readFileSync(path, 'utf8')));
}

/** The key files for a transcript: keys/ beside it (vectors/transcripts/keys), or `keysDir`. */
export function readKeyFiles(transcriptPath: string, keysDir?: string): KeyFiles {
  const dir = keysDir ?? join(dirname(transcriptPath), 'keys');
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isFile()) out[f] = readFileSync(p, 'utf8');
  }
  return out;
}

/** FILE arguments, with directories expanded to their *.json files (not recursive). */
export function transcriptFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const a of args) {
    if (existsSync(a) && statSync(a).isDirectory()) {
      for (const f of readdirSync(a).sort()) if (f.endsWith('.json')) files.push(join(a, f));
    } else files.push(a);
  }
  return files;
}

function option(args: string[], name: string): { value: string | undefined; rest: string[] } {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === name) value = args[++i];
    else if (a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
    else rest.push(a);
  }
  return { value, rest };
}

/** A usage error in the style of client and server: one line naming the command and its --help, exit 2. */
function usageError(io: CommandIO, cmd: string, problem: string): number {
  io.err(`ut-tls ${cmd}: ${problem}; see ut-tls ${cmd} --help\n`);
  return 2;
}

/**
 * The first usage problem, or undefined: a value option given last with no value (option() drops it),
 * or an unknown option left in `rest`.
 */
function badArgs(args: string[], rest: string[], valueOptions: Array<[string, string | undefined]>): string | undefined {
  for (const [name, value] of valueOptions) if (value === undefined && args.includes(name)) return `${name} needs a value`;
  const unknown = rest.find((a) => a.startsWith('-') && a !== '-h' && a !== '--help' && a !== '--list');
  return unknown === undefined ? undefined : `unknown option ${unknown.split('=')[0]}`;
}

const REPLAY_USAGE = 'usage: ut-tls replay [--keys DIR] FILE|DIR...\n';

/** `ut-tls replay FILE...`: 0 when every transcript replays identically, 1 on any divergence, 2 on usage errors. */
export async function replayCommand(args: string[], io: CommandIO = defaultIO): Promise<number> {
  const { value: keysDir, rest } = option(args, '--keys');
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(REPLAY_USAGE);
    return 0;
  }
  const bad = badArgs(args, rest, [['--keys', keysDir]]);
  if (bad !== undefined) return usageError(io, 'replay', bad);
  if (rest.length === 0) return usageError(io, 'replay', 'FILE|DIR required');
  let failed = 0;
  let count = 0;
  for (const file of transcriptFiles(rest)) {
    count++;
    let t: Transcript;
    try {
      t = readTranscriptFile(file);
    } catch (err) {
      io.out(`FAIL ${file}\n     cannot read: ${err instanceof Error ? err.message : String(err)}\n`);
      failed++;
      continue;
    }
    const result = replayTranscript(t, readKeyFiles(file, keysDir));
    io.out(formatReplayResult(result) + '\n');
    if (!result.ok) failed++;
  }
  io.out(`${count - failed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

const DECODE_USAGE = 'usage: ut-tls decode FILE --keylog KEYLOG\n';

/** `ut-tls decode FILE --keylog KEYLOG`: 0 when every MAC and both Finished verify, 1 otherwise, 2 on usage errors. */
export async function decodeCommand(args: string[], io: CommandIO = defaultIO): Promise<number> {
  const { value: keylog, rest } = option(args, '--keylog');
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(DECODE_USAGE);
    return 0;
  }
  const bad = badArgs(args, rest, [['--keylog', keylog]]);
  if (bad !== undefined) return usageError(io, 'decode', bad);
  if (rest.length !== 1) return usageError(io, 'decode', 'exactly one FILE required');
  if (!keylog) return usageError(io, 'decode', '--keylog KEYLOG is required');
  let t: Transcript;
  let keyText: string;
  try {
    t = readTranscriptFile(rest[0]!);
    keyText = readFileSync(keylog, 'utf8');
  } catch (err) {
    io.err(`ut-tls decode: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const analysis = analyzeTranscript(t, keyText);
  io.out(formatAnalysis(t, analysis));
  return analysis.ok ? 0 : 1;
}
