#!/usr/bin/env node
/**
 * The ut-tls command: routes `ut-tls <command> ...` to lib/cli/<command>.ts. Each command parses its
 * own arguments (lib/cli/args.ts, node:util parseArgs) and has its own --help; docs/cli.md is the
 * reference (options, output contract, exit codes).
 *
 * Exit codes: 0 success (and --help, --version), 1 a connection, handshake or configuration failure,
 * 2 a usage error (one line on stderr naming it and the command's --help).
 */
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TLSConfigError } from './errors.js';
import { UsageError, usageLine } from './cli/args.js';
import { describeError } from './cli/common.js';
import { runClient } from './cli/client.js';
import { runServer } from './cli/server.js';
import { runAp } from './cli/ap.js';
import { versionText } from './cli/version.js';
import { transcriptArgs } from './cli/transcript-args.js';

const USAGE = `usage: ut-tls <command> [options]      (ut-tls <command> --help for its options)

commands:
  server   accept TLS 1.0 connections (an AP): ut-tls server --port PORT --key FILE --cert FILE
  client   connect to a TLS 1.0 server (a UE): ut-tls client HOST:PORT
  ap       the Authentication Proxy (TS 33.141 5.1.4): ut-tls ap --config FILE
  replay   replay recorded transcripts byte for byte; non-zero on any divergence
  decode   print the handshake messages and decrypted records of a transcript
  bench    handshake and record throughput side by side with node:tls, node-forge and GnuTLS
           (the same as npm run bench; needs the dev dependencies of a source checkout)

  -h, --help      this overview
  -V, --version   the version

docs/cli.md describes every option, the output scripts may parse, and the exit codes.
`;

/** The transcript tools live in lib/replay; loaded only when asked for, after their arguments are checked. */
function runTranscriptCommand(cmd: 'replay' | 'decode', argv: string[]): void {
  const parsed = transcriptArgs(cmd, argv);
  if ('help' in parsed) {
    process.stdout.write(parsed.help);
    return;
  }
  const { args } = parsed;
  import('./replay/cli-commands.js')
    .then((m) => (cmd === 'replay' ? m.replayCommand(args) : m.decodeCommand(args)))
    .then(
      (code) => {
        process.exitCode = code;
      },
      (err: unknown) => {
        process.stderr.write(`ut-tls ${cmd}: ${describeError(err)}\n`);
        process.exitCode = 1;
      },
    );
}

/** The benchmark suite is not part of the library: run dist/bench/run.js beside it when present. */
function runBench(args: string[]): void {
  const script = fileURLToPath(new URL('../bench/run.js', import.meta.url));
  if (!existsSync(script)) throw new TLSConfigError('the benchmarks are not in this install: run `npm run bench` in a source checkout');
  const child = spawn(process.execPath, [script, ...args], { stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

export function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === undefined) {
      process.stderr.write(USAGE);
      process.exitCode = 2;
      return;
    }
    if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
      process.stdout.write(USAGE);
      return;
    }
    if (cmd === '--version' || cmd === '-V' || cmd === 'version') {
      process.stdout.write(versionText());
      return;
    }
    if (cmd === 'server') return runServer(rest);
    if (cmd === 'client') return runClient(rest);
    if (cmd === 'ap') return runAp(rest);
    if (cmd === 'replay' || cmd === 'decode') return runTranscriptCommand(cmd, rest);
    if (cmd === 'bench') return runBench(rest);
    throw new UsageError(cmd.startsWith('-') ? `unknown option ${cmd}` : `unknown command ${JSON.stringify(cmd)}`);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(usageLine(err));
      process.exit(2);
    }
    process.stderr.write(`ut-tls: ${describeError(err)}\n`);
    process.exit(1);
  }
}

main(process.argv.slice(2));
