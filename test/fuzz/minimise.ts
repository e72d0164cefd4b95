/**
 * Delta debugging (Zeller's ddmin, on bytes): removes chunks of halving size while the input still
 * fails the same way, so a reproducer holds only the bytes that matter. Bounded by `maxTests` runs.
 */
export async function minimise(input: Uint8Array, fails: (b: Uint8Array) => Promise<boolean>, maxTests = 2000): Promise<Uint8Array> {
  let current = input;
  let n = 2;
  let tests = 0;
  while (current.length >= 2 && tests < maxTests) {
    const chunk = Math.ceil(current.length / n);
    let reduced = false;
    for (let start = 0; start < current.length && tests < maxTests; start += chunk) {
      // The complement of one chunk: the input without bytes [start, start + chunk).
      const candidate = new Uint8Array(current.length - Math.min(chunk, current.length - start));
      candidate.set(current.subarray(0, start));
      candidate.set(current.subarray(start + chunk), start);
      tests++;
      if (candidate.length > 0 && (await fails(candidate))) {
        current = candidate;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (chunk <= 1) break;
      n = Math.min(n * 2, current.length);
    }
  }
  return current;
}
