/**
 * Usage errors of every subcommand `ut-tls --help` lists (bench's are in version-and-bench.test.ts: each
 * of its starts loads the benchmark suite): an unknown option, an option missing its value, a bad number, a bad suite name,
 * a missing required argument. Each one is exactly one stderr line "ut-tls <sub>: ...; see ut-tls <sub> --help",
 * exit 2, nothing on stdout, and no file read or socket opened first (--key k names no file).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/peers.js';

function run(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000, input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SERVER = ['--port', '0', '--key', 'k', '--cert', 'c'];
const CASES: Array<[string, string[], RegExp]> = [
  ['client', ['--bogus', '127.0.0.1:1'], /unknown option --bogus/],
  ['client', ['127.0.0.1:1', '--ca'], /--ca needs a value/],
  ['client', ['--connect-timeout', 'abc', '127.0.0.1:1'], /--connect-timeout .*"abc"/],
  ['client', ['--reconnect', '-3', '127.0.0.1:1'], /--reconnect needs a value/],
  ['client', ['--suites', 'NO_SUCH_SUITE', '127.0.0.1:1'], /--suites: .*"NO_SUCH_SUITE"/],
  ['client', [], /HOST:PORT/],
  ['server', ['--bogus', ...SERVER], /unknown option --bogus/],
  ['server', [...SERVER, '--grace'], /--grace needs a value/],
  ['server', ['--port', 'x', '--key', 'k', '--cert', 'c'], /port "x"/],
  ['server', [...SERVER, '--max-connections', 'many'], /--max-connections .*"many"/],
  ['server', [...SERVER, '--suites', 'RC5_PLEASE'], /--suites: .*"RC5_PLEASE"/],
  ['ap', ['--bogus'], /unknown option --bogus/],
  ['ap', ['--config'], /--config needs a value/],
  ['replay', ['--bogus', 'x.json'], /unknown option --bogus/],
  ['replay', ['x.json', '--keys'], /--keys needs a value/],
  ['replay', [], /FILE\|DIR required/],
  ['decode', ['--bogus', 'x.json', '--keylog', 'k'], /unknown option --bogus/],
  ['decode', ['x.json', '--keylog'], /--keylog needs a value/],
  ['decode', ['x.json'], /--keylog KEYLOG is required/],
  ['decode', ['a.json', 'b.json', '--keylog', 'k'], /exactly one FILE required/],
  ['replay', ['x.json', '--keys=d', '--keys', 'e'], /--keys given more than once/],
  ['replay', ['--', '-x.json'], /"-x\.json": a FILE\|DIR may not start with '-'/],
];

t.test('every subcommand the overview lists is covered here', (t) => {
  const r = run(['--help']);
  const listed = [...r.stdout.matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!).filter((c) => c !== 'bench');
  t.ok(listed.length >= 5, `the overview lists the commands: ${listed.join(' ')}`);
  t.same(listed.filter((c) => !CASES.some(([sub]) => sub === c)), [], 'no listed subcommand without usage-error cases');
  t.end();
});

for (const [sub, args, re] of CASES) {
  t.test(`ut-tls ${sub} ${args.join(' ')}: one-line usage error, exit 2`, (t) => {
    const r = run([sub, ...args]);
    t.equal(r.code, 2, 'the usage exit code');
    t.match(r.stderr, re, 'names the problem');
    t.match(r.stderr, new RegExp(`^ut-tls ${sub}: [^\\n]*; see ut-tls ${sub} --help\\n$`), 'exactly one line naming the subcommand, ending with its --help');
    t.equal(r.stdout, '', 'nothing on stdout');
    t.end();
  });
}
