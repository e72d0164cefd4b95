/**
 * Argument parsing for every ut-tls subcommand (and bench/run.ts): node:util parseArgs in strict
 * mode, driven by one table per command that is also the source of that command's --help.
 *
 * Rules (docs/cli.md "exit codes"):
 * - `-h` / `--help` anywhere before `--` prints the command's own help on stdout, exit 0, whatever
 *   else is on the line (so `ut-tls client --help` works without HOST:PORT);
 * - an unknown option, a missing value, a value given to a flag, a second value for an option that
 *   is not repeatable: one line on stderr ending "see ut-tls <cmd> --help", exit 2 (UsageError).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveSuites } from '../policy/suite-selection.js';

export interface OptionSpec {
  name: string;
  /** 'flag' takes no value; 'value' takes one (given as `--name V` or `--name=V`). */
  kind: 'flag' | 'value';
  /** A one-letter alias (`-h`). */
  short?: string;
  /** May be given more than once; every value is kept, in order. */
  repeatable?: boolean;
  /** How the value is shown in the help ("FILE", "MS"). */
  metavar?: string;
  help: string;
}

export interface CommandSpec {
  /** "client", "server", "bench": the name after `ut-tls`. */
  name: string;
  /** The synopsis line(s) after "usage: ". */
  synopsis: string;
  /** What the command does, a few lines. */
  description: string;
  options: readonly OptionSpec[];
  /** Positional arguments: how many are allowed. */
  positionals: { min: number; max: number; name: string };
  /** Text after the option list (notes, examples). */
  footer?: string;
}

/** A usage error: one line for stderr; the CLI adds "see ut-tls <cmd> --help" and exits 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedCommand {
  /** --help / -h was given: print help(spec) and exit 0; nothing else was checked. */
  help: boolean;
  positionals: string[];
  /** The last value of each value option given. */
  value(name: string): string | undefined;
  /** Every value of a repeatable option, in order. */
  values(name: string): string[];
  /** Whether a flag (or a value option) was given. */
  has(name: string): boolean;
}

const HELP: OptionSpec = { name: 'help', kind: 'flag', short: 'h', help: 'this help' };

/** `ut-tls <cmd>: <message>; see ut-tls <cmd> --help` */
export function usageLine(err: UsageError, fallbackCommand?: string): string {
  const cmd = err.command ?? fallbackCommand;
  return cmd ? `ut-tls ${cmd}: ${err.message}; see ut-tls ${cmd} --help\n` : `ut-tls: ${err.message}; see ut-tls --help\n`;
}

function helpRequested(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h') return true;
  }
  return false;
}

/** node:util's messages, reworded to name the option the way the help does. */
function reword(err: unknown, spec: CommandSpec): string {
  const e = err as { code?: string; message?: string };
  const msg = e.message ?? String(err);
  let m = /Unknown option '([^']+)'/.exec(msg);
  if (m) return `unknown option ${m[1]}`;
  m = /Option '(?:-\w, )?(--[\w-]+) <value>' argument (missing|is ambiguous)/.exec(msg);
  if (m) return `${m[1]} needs a value`;
  // Node 20 words a value starting with '-' (`--reconnect -3`) on three lines: keep the usage error one line.
  m = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(msg);
  if (m) return `${m[1]} needs a value (write ${m[1]}=VALUE for one starting with '-')`;
  m = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(msg);
  if (m) return `${m[1]} takes no value`;
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unexpected argument (${spec.name} takes no ${spec.positionals.name})`;
  return msg.split('\n').join(' ');
}

export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedCommand {
  const all = [HELP, ...spec.options];
  if (helpRequested(argv)) {
    return { help: true, positionals: [], value: () => undefined, values: () => [], has: () => false };
  }
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const o of all) {
    options[o.name] = { type: o.kind === 'flag' ? 'boolean' : 'string', multiple: true, ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(reword(err, spec), spec.name);
  }
  const values = parsed.values as Record<string, (string | boolean)[] | undefined>;
  for (const o of spec.options) {
    const given = values[o.name];
    if (given && given.length > 1 && !o.repeatable) throw new UsageError(`--${o.name} given more than once`, spec.name);
  }
  const positionals = parsed.positionals;
  const { min, max, name } = spec.positionals;
  if (positionals.length > max) {
    throw new UsageError(max === 0 ? `unexpected argument ${JSON.stringify(positionals[0])}` : `too many arguments (${spec.name} takes ${max === 1 ? `one ${name}` : `at most ${max}`})`, spec.name);
  }
  if (positionals.length < min) throw new UsageError(`${spec.name} needs ${min === 1 ? `a ${name}` : `${min} ${name}`}`, spec.name);
  const strings = (n: string) => (values[n] ?? []).filter((v): v is string => typeof v === 'string');
  return {
    help: false,
    positionals,
    value: (n) => strings(n).at(-1),
    values: strings,
    has: (n) => (values[n]?.length ?? 0) > 0,
  };
}

/** The command's help: synopsis, description, its own options only, footer. */
export function formatHelp(spec: CommandSpec): string {
  const rows = [...spec.options, HELP].map((o) => {
    const left = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.kind === 'value' ? ` ${o.metavar ?? 'VALUE'}` : ''}`;
    return { left, help: o.help + (o.repeatable ? ' (repeatable)' : '') };
  });
  const width = Math.min(28, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = [`usage: ${spec.synopsis}`, '', spec.description.trimEnd(), '', 'options:'];
  for (const r of rows) {
    const [first, ...rest] = r.help.split('\n');
    if (r.left.length + 2 > width) {
      lines.push(`  ${r.left}`);
      lines.push(`  ${' '.repeat(width)}${first}`);
    } else lines.push(`  ${r.left.padEnd(width)}${first}`);
    for (const l of rest) lines.push(`  ${' '.repeat(width)}${l}`);
  }
  if (spec.footer) lines.push('', spec.footer.trimEnd());
  return lines.join('\n') + '\n';
}

/**
 * --suites checked at parse time, so a misspelt suite is a usage error (exit 2) naming it, not a
 * configuration failure found when the socket is built. Returns the list as given.
 */
export function suitesOption(p: ParsedCommand, role: 'client' | 'server'): string | undefined {
  const v = p.value('suites');
  if (v === undefined) return undefined;
  try {
    // NULL suites pass here: refusing them without --allow-null is a policy (configuration) error, exit 1.
    resolveSuites(v, role, { allowNullEncryption: true, psk: true }); // PSK suites: the socket checks pskCallback
  } catch (err) {
    throw new UsageError(`--suites: ${err instanceof Error ? err.message : String(err)}`, role);
  }
  return v;
}

/** A whole number in [min, max] for `--name`, or undefined when not given. */
export function intOption(p: ParsedCommand, name: string, min: number, max: number, command: string): number | undefined {
  const text = p.value(name);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`--${name} expects a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`, command);
  }
  return Number(text);
}

/** One of `allowed` for `--name`, or undefined when not given. */
export function choiceOption<T extends string>(p: ParsedCommand, name: string, allowed: readonly T[], command: string): T | undefined {
  const v = p.value(name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${allowed.join(' or ')}, got ${JSON.stringify(v)}`, command);
  return v as T;
}
