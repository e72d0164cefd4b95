/**
 * `npm run record` is repository tooling (test/recording, not shipped): its argument checks, without
 * recording anything (every case stops before a peer is spawned), and the shipped CLI no longer has it.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { CLI } from '../helpers/peers.js';
import { recordCommand, transcriptNames } from './record-command.js';

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await recordCommand(args, '/nonexistent/never-written', { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

t.test('--list names every transcript and writes nothing else', async (t) => {
  const r = await run(['--list']);
  t.equal(r.code, 0);
  t.same(r.out.trim().split('\n'), transcriptNames());
  t.ok(transcriptNames().includes('gnutls-cli-gnutls-serv-aes128'), 'the GnuTLS capture is listed');
  t.equal(r.err, '');
});

t.test('usage errors exit 2 before anything is recorded', async (t) => {
  for (const [args, re] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--out'], /--out/],
    [['no-such-transcript'], /unknown transcript no-such-transcript/],
  ] as const) {
    const r = await run([...args]);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.err, re, args.join(' '));
    t.equal(r.out, '');
  }
});

t.test('the installed ut-tls has no record subcommand', async (t) => {
  const r = spawnSync(process.execPath, [CLI, 'record', '--out', 'o'], { encoding: 'utf8', timeout: 20_000 });
  t.equal(r.status, 2);
  t.match(r.stderr, /unknown command "record"/);
  t.equal(r.stdout, '');
});
