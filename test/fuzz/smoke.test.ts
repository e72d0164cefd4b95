/**
 * Seeded mutation smoke fuzz of the sans-IO Connection: a real in-memory handshake is captured, then each
 * side's flights are mutated (bit flips, 0/0xff bytes, length fields off by one, truncation, a duplicated
 * record, a record cut in two) and fed to a fresh Connection of the receiving role. A fixed seed and a fixed
 * budget keep it deterministic: a failure names (suite, role, iteration) and reproduces exactly.
 *
 * The replayed flights are valid only up to the point where the fresh connection's own random enters
 * (the Finished MAC, and for the client the encrypted Finished record), so a clean replay still ends in one
 * fatal alert there; what is asserted is how every input ends, not that it succeeds.
 */
import t from 'tap';
import { AlertDescription } from '../../lib/alerts.js';
import { Connection } from '../../lib/engine/connection.js';
import { TLSAlertError, TLSError } from '../../lib/errors.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { handshake, sharedPki } from '../helpers/engine-pair.js';
import { mulberry32, mutate, splitRecords, type FlightRecord } from './mutator.js';

const SEED = 0x7e571a5;
const PER_ROLE = 500; // per suite and role: 2 suites x 2 roles x 500 = 2000 inputs (the server's RSA decryption dominates)
const SUITES = ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_AES_128_CBC_SHA'];

type Role = 'server' | 'client';

interface Outcome {
  threw: unknown;
  events: string[];
  errors: unknown[];
  eventsAfterFatal: string[];
  output: number;
}

/** Feeds `input` to a fresh Connection of `role`, as one chunk or in seeded random pieces, then a little more. */
async function feed(role: Role, suite: string, input: Uint8Array, rand: () => number, chunked: boolean): Promise<Outcome> {
  const pki = await sharedPki();
  const o: Outcome = { threw: undefined, events: [], errors: [], eventsAfterFatal: [], output: 0 };
  let fatal = false;
  const note = (name: string) => {
    if (fatal) o.eventsAfterFatal.push(name);
    o.events.push(name);
  };
  const events: ConstructorParameters<typeof Connection>[1] = {
    output: (b) => {
      note('output');
      o.output += b.length;
    },
    handshakeComplete: () => note('handshakeComplete'),
    data: () => note('data'),
    peerClosed: () => note('peerClosed'),
    warning: () => note('warning'),
    session: () => note('session'),
    error: (e) => {
      note('error');
      o.errors.push(e);
      fatal = true;
    },
  };
  const conn =
    role === 'server'
      ? new Connection({ isServer: true, certificateChain: pki.chain, privateKey: pki.server.key }, events)
      : new Connection({ isServer: false, servername: 'localhost', cipherSuites: [suite], trustAnchors: [pki.root.der] }, events);
  try {
    conn.start();
    if (!chunked) conn.receive(input);
    else {
      let off = 0;
      while (off < input.length) {
        const n = 1 + Math.floor(rand() * 64);
        conn.receive(input.subarray(off, off + n));
        off += n;
      }
    }
    // Async hooks (if any) settle before the verdict; then bytes after the end must change nothing.
    await new Promise((r) => setImmediate(r));
    conn.receive(new Uint8Array([21, 3, 1, 0, 2, 2, 40]));
    conn.receive(input.subarray(0, 16));
    await new Promise((r) => setImmediate(r));
  } catch (err) {
    o.threw = err;
  }
  return o;
}

/** The flights one role receives in a real handshake with `suite`, as records. */
async function flights(suite: string): Promise<Record<Role, FlightRecord[]>> {
  const p = await handshake({ cipherSuites: [suite] });
  if (!p.client.completed || !p.server.completed) throw new Error(`handshake with ${suite} did not complete`);
  const stream = (wire: Uint8Array[]) => {
    const all = new Uint8Array(wire.reduce((n, w) => n + w.length, 0));
    let o = 0;
    for (const w of wire) {
      all.set(w, o);
      o += w.length;
    }
    return all;
  };
  return {
    // The server receives what the client sent, and the reverse.
    server: splitRecords(stream(p.client.wire), HandshakeType.finished),
    client: splitRecords(stream(p.server.wire), HandshakeType.finished),
  };
}

for (const suite of SUITES) {
  t.test(`mutated flights with ${suite} end in at most one typed fatal error, never a throw`, async (t) => {
    const f = await flights(suite);
    for (const role of ['server', 'client'] as const) {
      const records = f[role];
      const expected = new Set<number>();
      for (const r of records) for (const [, type] of r.messages) expected.add(type);
      t.ok(expected.has(role === 'server' ? HandshakeType.client_hello : HandshakeType.server_hello), `${role}: the flight holds the hello`);
      t.ok(expected.has(HandshakeType.finished), `${role}: the flight holds Finished`);

      // The clean replay: the fresh peer gets past the hello (it writes something) and ends in one typed error.
      const clean = await feed(role, suite, Buffer.concat(records.map((r) => r.bytes)), () => 0.5, false);
      t.equal(clean.threw, undefined, `${role}: clean replay does not throw`);
      t.ok(clean.output > 0, `${role}: clean replay gets an answer`);
      t.equal(clean.errors.length, 1, `${role}: clean replay ends in one error (the fresh random breaks Finished)`);

      const rand = mulberry32(SEED ^ (role === 'server' ? 1 : 2) ^ suite.length);
      const touched = new Map<number, number>();
      const failures: string[] = [];
      const alerts = new Map<string, number>();
      for (let i = 0; i < PER_ROLE; i++) {
        const m = mutate(records, rand);
        touched.set(m.messageType, (touched.get(m.messageType) ?? 0) + 1);
        const o = await feed(role, suite, m.input, rand, i % 4 === 3);
        const where = `${suite} ${role} #${i} ${m.kind} record ${m.record} offset ${m.offset}`;
        if (o.threw !== undefined) failures.push(`${where}: receive() threw ${String(o.threw)}`);
        if (o.errors.length > 1) failures.push(`${where}: ${o.errors.length} error events`);
        if (o.eventsAfterFatal.length > 0) failures.push(`${where}: events after the fatal one: ${o.eventsAfterFatal.join(',')}`);
        for (const e of o.errors) {
          if (e instanceof TLSAlertError) alerts.set(e.alertName, (alerts.get(e.alertName) ?? 0) + 1);
          if (!(e instanceof TLSError)) failures.push(`${where}: error is not a TLSError: ${String(e)}`);
          else if (!(e instanceof TLSAlertError)) failures.push(`${where}: error has no alert: ${e.code} ${e.message}`);
          else if (e.alert === AlertDescription.internal_error) {
            // internal_error is what Connection turns an unexpected exception (a crash) into.
            const cause = (e as { cause?: unknown }).cause;
            failures.push(`${where}: internal_error (a masked crash): ${e.message} ${cause instanceof Error ? cause.stack : ''}`);
          }
        }
      }
      const tally = [...alerts].map(([name, n]) => `${name} ${n}`).join(', ');
      t.ok(alerts.size >= 3, `${role}: mutations reach several checks (${tally})`);
      t.same(failures.slice(0, 10), [], `${role}: every mutated input ends cleanly (${failures.length} failures)`);
      for (const type of expected) t.ok((touched.get(type) ?? 0) > 0, `${role}: handshake type ${type} mutated ${touched.get(type) ?? 0} times`);
    }
  });
}
