/**
 * `ut-tls replay` and `decode` parse their arguments like every command (lib/cli/args.ts through
 * lib/cli/transcript-args.ts): their own --help, exit 0. (Recording is repository tooling, `npm run
 * record`, tested in test/recording/record-command.test.ts.)
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/peers.js';

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; node?: string[] } = {}) {
  const r = spawnSync(process.execPath, [...(opts.node ?? []), CLI, ...args], { encoding: 'utf8', timeout: 30_000, input: '', env: opts.env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HELP: Array<[string, string[], string[]]> = [
  ['replay', ['--keys DIR'], ['--keylog', '--out']],
  ['decode', ['--keylog KEYLOG'], ['--keys', '--out']],
];

for (const [cmd, own, others] of HELP) {
  t.test(`${cmd} --help / -h: its own options on stdout, exit 0`, async (t) => {
    for (const h of ['--help', '-h']) {
      const r = run([cmd, h, '--bogus']); // help wins over whatever else is on the line
      t.equal(r.code, 0, `${h}: exit 0`);
      t.match(r.stdout, new RegExp(`^usage: ut-tls ${cmd} `), 'the synopsis first');
      for (const o of [...own, '-h, --help']) t.ok(r.stdout.includes(o), `lists ${o}`);
      for (const o of others) t.notOk(r.stdout.includes(o), `does not list ${o}`);
      t.match(r.stdout, /\nexample: ut-tls /, 'an example');
      t.equal(r.stderr, '');
    }
  });
}
