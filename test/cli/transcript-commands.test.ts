/**
 * `ut-tls replay`, `decode` and `record` parse their arguments like every command (lib/cli/args.ts
 * through lib/cli/transcript-args.ts): their own --help, exit 0; and `record` checks its arguments
 * before it loads anything of the recorder. That order is observed from outside: a module-resolve hook
 * (node --import) logs every module the process loads, and without --out no recording scenario is
 * loaded, while with --out it is (the control). Without GnuTLS on PATH, record says so, exit 1, and
 * writes nothing.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, tempDir } from '../helpers/peers.js';

function run(args: string[], opts: { env?: NodeJS.ProcessEnv; node?: string[] } = {}) {
  const r = spawnSync(process.execPath, [...(opts.node ?? []), CLI, ...args], { encoding: 'utf8', timeout: 30_000, input: '', env: opts.env ?? process.env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HELP: Array<[string, string[], string[]]> = [
  ['replay', ['--keys DIR'], ['--keylog', '--out']],
  ['decode', ['--keylog KEYLOG'], ['--keys', '--out']],
  ['record', ['--out DIR', '--keys DIR', '--list'], ['--keylog']],
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

t.test('record checks its arguments before loading the recorder', async (t) => {
  const dir = tempDir(t, 'ut-tls-cli-');
  const hooks = join(dir, 'hooks.mjs');
  const register = join(dir, 'register.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(process.env.UT_TLS_LOADED, r.url + '\\n');
  return r;
}
`);
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(new URL(`file://${hooks}`).href)});\n`);
  const loaded = (name: string, args: string[]) => {
    const log = join(dir, `${name}.log`);
    const r = run(args, { node: ['--import', register], env: { ...process.env, UT_TLS_LOADED: log } });
    return { ...r, modules: existsSync(log) ? readFileSync(log, 'utf8') : '' };
  };

  const bare = loaded('bare', ['record', 'server-gnutls-3des-full']);
  t.equal(bare.code, 2, 'no --out: usage error');
  t.equal(bare.stderr, 'ut-tls record: --out DIR is required; see ut-tls record --help\n');
  t.match(bare.modules, /\/dist\/lib\/cli\.js\n/, 'the hook saw the command load');
  t.notMatch(bare.modules, /replay\/(scenarios|recorder-node|cli-commands)\.js/, 'nothing of the recorder was loaded');

  const control = loaded('control', ['record', '--out', join(dir, 'out'), 'no-such-transcript']);
  t.equal(control.code, 2, 'an unknown transcript name is a usage error too');
  t.match(control.stderr, /unknown transcript no-such-transcript/);
  t.match(control.modules, /replay\/scenarios\.js/, 'control: with --out the scenarios are loaded (to know the names)');
  t.notOk(existsSync(join(dir, 'out')), 'and nothing was written');
});

t.test('record without GnuTLS on PATH: says it needs GnuTLS and a source checkout, exit 1, writes nothing', async (t) => {
  const dir = tempDir(t, 'ut-tls-cli-');
  const out = join(dir, 'transcripts');
  const r = run(['record', '--out', out], { env: { ...process.env, PATH: join(dir, 'empty-bin') } });
  t.equal(r.code, 1, 'exit 1 (the environment, not the usage)');
  t.equal(r.stderr, 'ut-tls record: needs GnuTLS (gnutls-serv, gnutls-cli not on PATH) and a source checkout; see ut-tls record --help\n');
  t.equal(r.stdout, '');
  t.notOk(existsSync(out), 'the --out directory was not created');
});

t.test('record --list works without --out and names the transcripts', async (t) => {
  const r = run(['record', '--list']);
  t.equal(r.code, 0);
  t.match(r.stdout, /^server-gnutls-3des-full$/m);
  t.match(r.stdout, /^client-gnutls-3des-resumed$/m);
});
