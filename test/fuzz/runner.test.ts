/**
 * The long-run fuzzer's own parts: the delta-debugging minimiser, the byte mutator's determinism, and
 * `npm run fuzz -- --repro FILE` replaying a reproducer (exit 0 when it no longer fails).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { minimise } from './minimise.js';
import { mulberry32, mutateBytes } from './mutator.js';
import { repoRoot } from '../helpers/paths.js';

t.test('minimise keeps only the bytes the failure needs', async (t) => {
  const input = new Uint8Array(500).map((_, i) => i & 0x3f);
  input[123] = 0xaa;
  input[377] = 0xbb;
  let runs = 0;
  const fails = async (b: Uint8Array) => {
    runs++;
    const a = b.indexOf(0xaa);
    return a >= 0 && b.indexOf(0xbb, a) > a;
  };
  const small = await minimise(input, fails);
  t.same([...small], [0xaa, 0xbb], `minimised to the two bytes in order (${runs} runs)`);
  t.ok(runs < 2000, 'within the run budget');
});

t.test('mutateBytes is deterministic for a seed and changes its input', async (t) => {
  const seed = new Uint8Array(64).fill(0x11);
  const a = mutateBytes(seed, mulberry32(9));
  const b = mutateBytes(seed, mulberry32(9));
  t.same([...a], [...b], 'same seed, same mutation');
  let changed = 0;
  const rand = mulberry32(10);
  for (let i = 0; i < 100; i++) {
    const m = mutateBytes(seed, rand);
    if (m.length !== seed.length || m.some((x, j) => x !== seed[j])) changed++;
  }
  t.ok(changed >= 90, `${changed} of 100 mutations changed the input`);
  t.same([...seed], [...new Uint8Array(64).fill(0x11)], 'the seed itself is untouched');
});

t.test('--repro replays a reproducer file and exits 0 when it passes', async (t) => {
  const file = join(repoRoot, 'test', 'fuzz', 'regressions', 'inputresumed-after-fatal.json');
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist', 'test', 'fuzz', 'run.js'), '--repro', file], { encoding: 'utf8', timeout: 60_000 });
  t.equal(r.status, 0, `exit 0 (stderr: ${r.stderr.slice(0, 300)})`);
  const out = JSON.parse(r.stdout) as { target: string; failures: string[]; alert: string };
  t.equal(out.target, 'resume-busy-store/server');
  t.same(out.failures, []);
  t.equal(out.alert, 'unexpected_message', 'the queued byte ends the connection with unexpected_message');
});
