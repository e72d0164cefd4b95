/**
 * `ut-tls --version` / `-V` as a process (the version of the package.json beside dist/), and the
 * benchmark runner's argument handling through both doors, `ut-tls bench` and `node dist/bench/run.js`
 * (npm run bench): it uses the same parseArgs-based parser as every command (lib/cli/args.ts), so
 * --help is its own option list on stdout with exit 0, and a usage error is one line, exit 2, and
 * measures nothing.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/peers.js';
import { repoRoot } from '../helpers/paths.js';

const RUN_JS = join(repoRoot, 'dist', 'bench', 'run.js');

function run(script: string, args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 20_000, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('--version and -V print the package version on stdout, exit 0', async (t) => {
  const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-V']) {
    const r = run(CLI, [flag]);
    t.equal(r.code, 0, `${flag}: exit 0`);
    t.match(r.stdout, new RegExp(`^ut-tls ${version.replace(/\./g, '\\.')} \\(TLS 1\\.0, RFC 2246; node v\\d+\\.\\d+\\.\\d+\\)\\n$`), `${flag}: one line naming ${version}`);
    t.equal(r.stderr, '', `${flag}: nothing on stderr`);
  }
});

t.test('the overview (--help) lists the commands on stdout, exit 0; no command at all is the same text on stderr, exit 2', async (t) => {
  const help = run(CLI, ['--help']);
  t.equal(help.code, 0);
  for (const c of ['server', 'client', 'ap', 'replay', 'decode', 'bench']) t.match(help.stdout, new RegExp(`^ {2}${c} `, 'm'), `lists ${c}`);
  const none = run(CLI, []);
  t.equal(none.code, 2);
  t.equal(none.stderr, help.stdout, 'the same overview, on stderr');
  t.equal(none.stdout, '');
});

const DOORS: Array<[string, string, string[]]> = [
  ['ut-tls bench', CLI, ['bench']],
  ['node dist/bench/run.js', RUN_JS, []],
];

for (const [door, script, prefix] of DOORS) {
  t.test(`${door} --help: the bench options only, stdout, exit 0`, async (t) => {
    for (const h of ['--help', '-h']) {
      const r = run(script, [...prefix, h]);
      t.equal(r.code, 0, `${h}: exit 0`);
      t.match(r.stdout, /^usage: ut-tls bench /, 'the bench synopsis');
      for (const o of ['--quick', '--only LIST', '--impl LIST', '--transport T', '--write-docs']) t.ok(r.stdout.includes(o), `lists ${o}`);
      t.notOk(r.stdout.includes('--servername'), 'no client options');
      t.equal(r.stderr, '', 'nothing on stderr');
    }
  });

  const CASES: Array<[string[], RegExp]> = [
    [['--bogus'], /unknown option --bogus/],
    [['--only'], /--only needs a value/],
    [['--quick=yes'], /--quick takes no value/],
    [['--only', 'speed'], /--only: unknown value "speed"/],
    [['--impl', 'ut-tls,boringssl'], /--impl: unknown value "boringssl"/],
    [['--transport', 'carrier-pigeon'], /--transport: unknown value "carrier-pigeon"/],
    [['extra'], /unexpected argument "extra"/],
  ];
  // Both doors reach the same parser: the direct one is checked on two cases (each start loads the bench).
  for (const [args, re] of prefix.length > 0 ? CASES : CASES.slice(0, 2)) {
    t.test(`${door} ${args.join(' ')}: one line, exit 2, nothing measured`, async (t) => {
      const r = run(script, [...prefix, ...args]);
      t.equal(r.code, 2, 'the usage exit code');
      t.match(r.stderr, re, 'names the problem');
      t.match(r.stderr, /^ut-tls bench: [^\n]*; see ut-tls bench --help\n$/, 'exactly one line, ending with the --help hint');
      t.equal(r.stdout, '', 'nothing on stdout (no table, no results written)');
    });
  }
}
