/**
 * `npm run fuzz -- --minutes N [--seed S] [--out DIR] [--only SUBSTRING]` and `npm run fuzz -- --repro FILE`.
 *
 * Long mutation runs over every target (both roles of each handshake scenario and the parser targets),
 * checking the invariants of harness.ts. Each new kind of failure is minimised (delta debugging) and
 * saved to DIR as a reproducer (JSON: target, chunk seed, input hex, failures). `--repro FILE` replays
 * one and exits 1 while it still fails. A fixed seed gives the same input sequence (timing aside).
 * Reproducers that matter are copied into test/fuzz/regressions/, which the smoke test replays.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { concatBytes, fromHex, toHex } from '../../lib/util/bytes.js';
import { runTarget, targets, type Target } from './targets.js';
import { signature } from './harness.js';
import { minimise } from './minimise.js';
import { mulberry32, mutate, mutateBytes } from './mutator.js';

export interface Reproducer {
  target: string;
  /** Seed of the 1..64-byte delivery pieces, or null for one receive() of the whole input. */
  chunkSeed: number | null;
  input: string;
  failures?: string[];
  note?: string;
}

function args(argv: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) out.set(a.slice(2), 'true');
    else out.set(a.slice(2), (i++, next));
  }
  return out;
}

/** One generated input for target `t` at iteration i. */
export function generate(t: Target, rand: () => number): { input: Uint8Array; chunkSeed: number | null } {
  const chunkSeed = rand() < 0.25 ? Math.floor(rand() * 2 ** 31) : null;
  if (t.kind === 'parser') {
    const seed = t.parser.seeds[Math.floor(rand() * t.parser.seeds.length)]!;
    return { input: mutateBytes(seed, rand), chunkSeed: null };
  }
  const m = mutate(t.scenario.records, rand);
  // Now and then a second, byte-level mutation on top (two defects at once, inserted / deleted bytes).
  const input = rand() < 0.3 ? mutateBytes(m.input, rand) : m.input;
  return { input, chunkSeed };
}

async function repro(file: string): Promise<number> {
  const r = JSON.parse(readFileSync(file, 'utf8')) as Reproducer;
  const t = (await targets()).find((x) => x.name === r.target);
  if (!t) throw new Error(`${file}: unknown target ${r.target}`);
  const result = await runTarget(t, fromHex(r.input), r.chunkSeed);
  console.log(JSON.stringify({ file, target: r.target, bytes: r.input.length / 2, failures: result.failures, alert: result.alert, ms: +result.ms.toFixed(2) }, null, 1));
  return result.failures.length > 0 ? 1 : 0;
}

async function fuzz(minutes: number, seed: number, out: string, only: string | undefined, maxInputs: number): Promise<number> {
  const all = (await targets()).filter((t) => !only || t.name.includes(only));
  if (all.length === 0) throw new Error(`no target matches ${only}`);
  mkdirSync(out, { recursive: true });
  // Targets in turn, the DHE ones a quarter as often: an input there costs ten times an RSA one (two
  // 2048-bit modular exponentiations per side), and would otherwise take half of every round.
  const schedule = all.flatMap((t) => (t.name.startsWith('dhe') ? [t] : [t, t, t, t]));
  const rand = mulberry32(seed);
  const endAt = Date.now() + minutes * 60_000;
  const perTarget = new Map<string, number>();
  const alerts = new Map<string, number>();
  const seen = new Set<string>();
  const findings: string[] = [];
  let inputs = 0;
  let slowest = 0;
  let unreproduced = 0;
  const started = Date.now();
  let lastReport = started;
  while (Date.now() < endAt && inputs < maxInputs) {
    const t = schedule[inputs % schedule.length]!;
    const { input, chunkSeed } = generate(t, rand);
    const result = await runTarget(t, input, chunkSeed);
    inputs++;
    perTarget.set(t.name, (perTarget.get(t.name) ?? 0) + 1);
    if (result.alert) alerts.set(result.alert, (alerts.get(result.alert) ?? 0) + 1);
    slowest = Math.max(slowest, result.ms);
    if (result.failures.length > 0) {
      const sig = `${t.name}: ${signature(result.failures)}`;
      // A failure that does not come back on a second run (in practice: the 1 s bound on a loaded
      // machine) is counted and printed, but not minimised or saved as a finding.
      if (!seen.has(sig) && (await runTarget(t, input, chunkSeed)).failures.length === 0) {
        unreproduced++;
        console.log(`UNREPRODUCED ${t.name} input ${inputs}: ${result.failures[0]?.split('\n')[0]}`);
      } else if (!seen.has(sig)) {
        seen.add(sig);
        const small = await minimise(input, async (b) => signature((await runTarget(t, b, chunkSeed)).failures) === signature(result.failures));
        const final = await runTarget(t, small, chunkSeed);
        const rep: Reproducer = { target: t.name, chunkSeed, input: toHex(small), failures: final.failures, note: `seed ${seed}, input ${inputs}, ${input.length} bytes minimised to ${small.length}` };
        const file = join(out, `${t.name.replace(/\W+/g, '-')}-${createHash('sha1').update(sig).digest('hex').slice(0, 10)}.json`);
        writeFileSync(file, JSON.stringify(rep, null, 1) + '\n');
        findings.push(file);
        console.log(`FINDING ${file}: ${final.failures[0]?.split('\n')[0]}`);
      }
    }
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const s = (lastReport - started) / 1000;
      console.log(`${s.toFixed(0)} s: ${inputs} inputs, ${(inputs / s).toFixed(0)}/s, ${findings.length} findings`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(
    JSON.stringify(
      {
        seed,
        seconds: +seconds.toFixed(1),
        inputs,
        inputsPerSecond: +(inputs / seconds).toFixed(1),
        findings: findings.length,
        findingFiles: findings,
        unreproduced,
        slowestInputMs: +slowest.toFixed(1),
        targets: Object.fromEntries(perTarget),
        endings: Object.fromEntries([...alerts].sort((a, b) => b[1] - a[1])),
      },
      null,
      1,
    ),
  );
  return findings.length > 0 ? 1 : 0;
}

async function main(): Promise<void> {
  const a = args(process.argv.slice(2));
  if (a.has('write-seeds')) {
    // The clean input of every target, as reproducer files: the seed corpus in test/fuzz/regressions/.
    const dir = a.get('write-seeds')!;
    mkdirSync(dir, { recursive: true });
    for (const t of await targets()) {
      const seeds = t.kind === 'parser' ? t.parser.seeds : [concatBytes(...t.scenario.records.map((r) => r.bytes))];
      seeds.forEach((input, i) => {
        const rep: Reproducer = { target: t.name, chunkSeed: null, input: toHex(input), failures: [], note: 'seed corpus: the unmutated input' };
        writeFileSync(join(dir, `seed-${t.name.replace(/\W+/g, '-')}${seeds.length > 1 ? `-${i}` : ''}.json`), JSON.stringify(rep, null, 1) + '\n');
      });
    }
    return;
  }
  if (a.has('repro')) {
    process.exitCode = await repro(a.get('repro')!);
    return;
  }
  const minutes = Number(a.get('minutes') ?? '1');
  const seed = Number(a.get('seed') ?? String(Date.now() % 2 ** 31));
  const maxInputs = Number(a.get('inputs') ?? 'Infinity');
  if (!(minutes > 0) || !Number.isInteger(seed) || !(maxInputs > 0)) throw new Error('usage: fuzz --minutes N [--seed S] [--out DIR] [--only NAME] [--inputs N] | --repro FILE');
  process.exitCode = await fuzz(minutes, seed, a.get('out') ?? 'fuzz-findings', a.get('only'), maxInputs);
}

await main();
