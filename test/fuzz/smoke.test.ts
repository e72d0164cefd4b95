/**
 * Seeded mutation smoke fuzz (issue 21), inside `npm test`: every target of test/fuzz/targets.ts with a
 * small fixed budget, and every reproducer in test/fuzz/regressions/ replayed. The targets are real
 * in-memory handshakes captured with seeded random and a fixed PKI and clock (scenarios.ts), so a
 * replayed flight stays valid to the end and mutations reach every message, encrypted ones included:
 * both roles of RSA (3DES, AES-128, RC4), DHE-RSA, the RFC 4279 PSK, DHE_PSK and RSA_PSK key exchanges
 * (hint, identity, PSK ClientKeyExchange bodies), client certificates, resumption with a synchronous
 * and an async store, an SSLv2-compatible hello; and the certificate, Certificate message, SSLv2 hello,
 * ClientHello, extension, session-bytes and PEM parsers.
 *
 * Asserted for every input (harness.ts): receive() never throws, one typed error event at most and
 * nothing after it, no internal_error (a masked crash), the record reader within its bound, under 1 s;
 * parsers fail only with DecodeError / TLSError. Per scenario: every handshake message type in the
 * flight was mutated, and the mutations reached several different alerts. A failure names target,
 * iteration and the (seed-determined) input; `npm run fuzz -- --repro FILE` replays a saved one.
 */
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatBytes, fromHex } from '../../lib/util/bytes.js';
import { repoRoot } from '../helpers/paths.js';
import { mulberry32, mutate, mutateBytes, type FlightRecord } from './mutator.js';
import type { Reproducer } from './run.js';
import { runTarget, targets } from './targets.js';

const SEED = 0x7e571a5;
/** Inputs per connection target (a DHE input costs several times an RSA one: a quarter of that). */
const PER_CONNECTION_TARGET = 60;
const PER_PARSER_TARGET = 300;

const all = await targets();

t.test('every reproducer in test/fuzz/regressions replays cleanly', async (t) => {
  const dir = join(repoRoot, 'test', 'fuzz', 'regressions');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  t.ok(files.length >= all.length, `${files.length} reproducers (at least the seed corpus of every target)`);
  const covered = new Set<string>();
  for (const f of files) {
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Reproducer;
    const target = all.find((x) => x.name === r.target);
    t.ok(target, `${f}: target ${r.target} exists`);
    if (!target) continue;
    covered.add(target.name);
    const result = await runTarget(target, fromHex(r.input), r.chunkSeed);
    t.same(result.failures, [], `${f}: no invariant broken`);
  }
  for (const x of all) t.ok(covered.has(x.name), `${x.name} has a seed in the corpus`);
});

/** One input per handshake message of the flight: the flight with one bit flipped inside that message. */
function aimAtEveryMessage(records: FlightRecord[], rand: () => number): Array<{ input: Uint8Array; type: number }> {
  const out: Array<{ input: Uint8Array; type: number }> = [];
  records.forEach((rec, ri) => {
    rec.messages.forEach(([start, type], mi) => {
      const end = rec.messages[mi + 1]?.[0] ?? rec.bytes.length;
      const copy = records.map((r) => r.bytes.slice());
      const at = start + Math.floor(rand() * (end - start));
      copy[ri]![at]! ^= 1 << Math.floor(rand() * 8);
      out.push({ input: concatBytes(...copy), type });
    });
  });
  return out;
}

for (const target of all) {
  t.test(`${target.name}: mutated inputs keep every invariant`, async (t) => {
    const rand = mulberry32(SEED ^ [...target.name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7));
    const budget = target.kind === 'parser' ? PER_PARSER_TARGET : target.name.startsWith('dhe') ? PER_CONNECTION_TARGET / 4 : PER_CONNECTION_TARGET;
    const failures: string[] = [];
    const endings = new Map<string, number>();
    const touched = new Set<number>();
    // First one bit flip inside each handshake message of the flight (a random mutation rarely lands in a
    // short ServerHello next to a long Certificate), then the seeded random mutations.
    const aimed = target.kind === 'connection' ? aimAtEveryMessage(target.scenario.records, rand) : [];
    for (let i = 0; i < budget + aimed.length; i++) {
      let input: Uint8Array;
      let chunkSeed: number | null = null;
      if (i < aimed.length) {
        input = aimed[i]!.input;
        touched.add(aimed[i]!.type);
      } else if (target.kind === 'parser') input = mutateBytes(target.parser.seeds[i % target.parser.seeds.length]!, rand);
      else {
        const m = mutate(target.scenario.records, rand);
        touched.add(m.messageType);
        input = i % 5 === 4 ? mutateBytes(m.input, rand) : m.input;
        if (i % 4 === 3) chunkSeed = i;
      }
      const r = await runTarget(target, input, chunkSeed);
      if (r.alert) endings.set(r.alert, (endings.get(r.alert) ?? 0) + 1);
      for (const f of r.failures) failures.push(`#${i}: ${f}`);
    }
    const tally = [...endings].map(([k, v]) => `${k} ${v}`).join(', ');
    t.same(failures.slice(0, 5), [], `${budget + aimed.length} inputs, ${failures.length} failures (endings: ${tally})`);
    if (target.kind === 'connection') {
      t.ok(endings.size >= 2, `mutations reach several checks (${tally})`);
      const expected = new Set<number>();
      for (const r of target.scenario.records) for (const [, type] of r.messages) expected.add(type);
      const missed = [...expected].filter((x) => !touched.has(x));
      t.same(missed, [], `every handshake message type of the flight was mutated (${[...expected].join(',')})`);
    } else t.ok(endings.size >= 1, `mutations reach the parser's checks (${tally})`);
  });
}
