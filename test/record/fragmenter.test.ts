import t, { type Test } from 'tap';
import { fragment, splitApplicationData } from '../../lib/record/fragmenter.js';
import { MAX_PLAINTEXT } from '../../lib/record/constants.js';

function data(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

/** The pieces must be views of the input, in order, covering it exactly. */
function checkCover(t: Test, input: Uint8Array, pieces: Uint8Array[], label: string): void {
  let offset = 0;
  let views = true;
  for (const p of pieces) {
    if (p.buffer !== input.buffer || p.byteOffset !== input.byteOffset + offset) views = false;
    offset += p.length;
  }
  t.equal(offset, input.length, `${label}: pieces cover the input`);
  t.ok(views, `${label}: pieces are consecutive views, not copies`);
}

const EDGES = [0, 1, 2, 16383, 16384, 16385, 32767, 32768, 32769, 49151, 49152, 49153];

t.test('fragment() at the edges of 2^14', async (t) => {
  for (const n of EDGES) {
    const input = data(n);
    const pieces = fragment(input);
    const expected = n === 0 ? [] : [...Array(Math.ceil(n / MAX_PLAINTEXT)).keys()].map((i) => Math.min(MAX_PLAINTEXT, n - i * MAX_PLAINTEXT));
    t.same(pieces.map((p) => p.length), expected, `${n} bytes`);
    checkCover(t, input, pieces, `${n} bytes`);
  }
});

t.test('fragment() with a smaller maximum (max_fragment_length 2^9)', async (t) => {
  const pieces = fragment(data(1300), 512);
  t.same(pieces.map((p) => p.length), [512, 512, 276]);
  t.same(fragment(data(1024), 512).map((p) => p.length), [512, 512]);
  t.same(fragment(data(3), 1).map((p) => p.length), [1, 1, 1]);
});

t.test('every size from 0 to 3*2^14+1 fragments correctly', async (t) => {
  // Lengths only (views are cheap), so the full sweep stays fast.
  const big = data(3 * MAX_PLAINTEXT + 1);
  let bad = 0;
  for (let n = 0; n <= big.length; n++) {
    const pieces = fragment(big.subarray(0, n));
    const count = Math.ceil(n / MAX_PLAINTEXT);
    let sum = 0;
    let ok = pieces.length === count;
    for (let i = 0; i < pieces.length; i++) {
      sum += pieces[i]!.length;
      if (i < pieces.length - 1 && pieces[i]!.length !== MAX_PLAINTEXT) ok = false;
      if (pieces[i]!.length === 0) ok = false;
    }
    if (!ok || sum !== n) bad++;
  }
  t.equal(bad, 0, 'no size produced a wrong split');
});

t.test('splitApplicationData with 1/n-1', async (t) => {
  for (const n of EDGES) {
    const input = data(n);
    const pieces = splitApplicationData(input, MAX_PLAINTEXT, true);
    let expected: number[];
    if (n === 0) expected = [];
    else if (n === 1) expected = [1];
    else {
      expected = [1];
      for (let rest = n - 1; rest > 0; rest -= MAX_PLAINTEXT) expected.push(Math.min(MAX_PLAINTEXT, rest));
    }
    t.same(pieces.map((p) => p.length), expected, `${n} bytes split 1/n-1`);
    checkCover(t, input, pieces, `${n} bytes 1/n-1`);
  }
  t.same(splitApplicationData(data(1100), 512, true).map((p) => p.length), [1, 512, 512, 75]);
});

t.test('splitApplicationData without 1/n-1 is plain fragmentation', async (t) => {
  for (const n of EDGES) {
    t.same(
      splitApplicationData(data(n), MAX_PLAINTEXT, false).map((p) => p.length),
      fragment(data(n)).map((p) => p.length),
      `${n} bytes`,
    );
  }
});

t.test('bad maximum is a caller bug', async (t) => {
  t.throws(() => fragment(data(10), 0), RangeError);
  t.throws(() => fragment(data(10), MAX_PLAINTEXT + 1), RangeError);
  t.throws(() => fragment(data(10), 1.5), RangeError);
  t.throws(() => splitApplicationData(data(10), 0, true), RangeError);
});
