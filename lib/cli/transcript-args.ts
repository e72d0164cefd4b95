/**
 * The arguments of `ut-tls replay` and `decode`, parsed like every other command
 * (lib/cli/args.ts: node:util parseArgs, strict; --help from the table; one-line usage errors)
 * before the transcript tools are even loaded. The commands themselves (lib/replay/cli-commands.ts)
 * receive the arguments back in one canonical form, so they never see an option they do not know.
 */
import { formatHelp, parseCommand, UsageError, type CommandSpec } from './args.js';

export const REPLAY_SPEC: CommandSpec = {
  name: 'replay',
  synopsis: 'ut-tls replay [--keys DIR] FILE|DIR...',
  description: `Replays recorded transcripts byte for byte against the engine (a DIR: its *.json files).
Prints PASS or FAIL per transcript and "N passed, M failed"; exit 0 only when all pass.`,
  positionals: { min: 0, max: Infinity, name: 'FILE|DIR' },
  options: [{ name: 'keys', kind: 'value', metavar: 'DIR', help: "the transcripts' certificates and keys (default: keys/ beside each FILE)" }],
  footer: 'example: ut-tls replay vectors/transcripts',
};

export const DECODE_SPEC: CommandSpec = {
  name: 'decode',
  synopsis: 'ut-tls decode FILE --keylog KEYLOG',
  description: `Prints the handshake messages and the decrypted records of one transcript, using the
NSS key log (CLIENT_RANDOM lines) of its connection; exit 0 when every MAC and both Finished verify.`,
  positionals: { min: 0, max: Infinity, name: 'FILE' },
  options: [{ name: 'keylog', kind: 'value', metavar: 'KEYLOG', help: 'the NSS key-log file (e.g. what SSLKEYLOGFILE or --keylog-file wrote)' }],
  footer: `example: ut-tls decode vectors/transcripts/captures/gnutls-cli-gnutls-serv-aes128.json \\
           --keylog vectors/transcripts/captures/gnutls-cli-gnutls-serv-aes128.keylog`,
};

export type TranscriptCommand = 'replay' | 'decode';

const SPECS: Record<TranscriptCommand, CommandSpec> = { replay: REPLAY_SPEC, decode: DECODE_SPEC };

/**
 * `{ help }`: print it and exit 0. `{ args }`: the arguments for lib/replay/cli-commands.ts, values
 * as `--name VALUE`, positionals last. Throws UsageError (exit 2) for anything else.
 */
export function transcriptArgs(cmd: TranscriptCommand, argv: readonly string[]): { help: string } | { args: string[] } {
  const spec = SPECS[cmd];
  const p = parseCommand(spec, argv);
  if (p.help) return { help: formatHelp(spec) };
  const opt = (name: string) => {
    const v = p.value(name);
    return v === undefined ? [] : [`--${name}`, v];
  };
  // A positional that looks like an option (given after `--`) would be misread by the command.
  const odd = p.positionals.find((a) => a.startsWith('-'));
  if (odd !== undefined) throw new UsageError(`${JSON.stringify(odd)}: a ${spec.positionals.name} may not start with '-'`, cmd);
  if (cmd === 'replay') {
    if (p.positionals.length === 0) throw new UsageError('FILE|DIR required', cmd);
    return { args: [...opt('keys'), ...p.positionals] };
  }
  if (p.positionals.length !== 1) throw new UsageError('exactly one FILE required', cmd);
  if (!p.value('keylog')) throw new UsageError('--keylog KEYLOG is required', cmd);
  return { args: [...p.positionals, ...opt('keylog')] };
}
