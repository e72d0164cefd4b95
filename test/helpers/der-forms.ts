/**
 * Builds non-canonical encodings of a valid DER certificate, one defect at a time, for the strict-DER
 * tests (issue 21 item 7): the value is re-encoded from a tree where exactly one node gets a BER-only
 * length form, and every other length is recomputed so only that node is wrong.
 */
import { concatBytes } from '../../lib/util/bytes.js';

export interface Node {
  /** Identifier octets as they were. */
  id: Uint8Array;
  constructed: boolean;
  /** Content of a primitive value. */
  content?: Uint8Array;
  children?: Node[];
  /** How to write this node's length ('der' unless a test chose a defect). */
  form?: 'der' | 'long-for-short' | 'leading-zero' | 'indefinite';
}

/** Parses strictly valid DER (our own certificates) into a tree. */
export function parseTree(der: Uint8Array, off = 0, end = der.length): Node[] {
  const out: Node[] = [];
  while (off < end) {
    const idStart = off;
    const first = der[off++]!;
    if ((first & 0x1f) === 0x1f) while (der[off++]! & 0x80);
    const id = der.slice(idStart, off);
    let len = der[off++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + der[off++]!;
    }
    const constructed = (first & 0x20) !== 0;
    const body = der.subarray(off, off + len);
    out.push(constructed ? { id, constructed, children: parseTree(der, off, off + len) } : { id, constructed, content: body.slice() });
    off += len;
  }
  return out;
}

function lengthBytes(n: number, form: Node['form']): Uint8Array {
  const big: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) big.unshift(v & 0xff);
  if (form === 'long-for-short') return new Uint8Array([0x80 | Math.max(1, big.length), ...(big.length ? big : [0])]);
  if (form === 'leading-zero') return new Uint8Array([0x80 | (big.length + 1), 0, ...big]);
  if (n < 0x80) return new Uint8Array([n]);
  return new Uint8Array([0x80 | big.length, ...big]);
}

/** Encodes a tree; DER unless a node carries a defect form. */
export function encodeTree(nodes: Node[]): Uint8Array {
  return concatBytes(
    ...nodes.map((n) => {
      const body = n.constructed ? encodeTree(n.children!) : n.content!;
      if (n.form === 'indefinite') return concatBytes(n.id, new Uint8Array([0x80]), body, new Uint8Array([0, 0]));
      return concatBytes(n.id, lengthBytes(body.length, n.form), body);
    }),
  );
}

/** Every node in document order (pre-order), with its depth. */
export function allNodes(nodes: Node[], depth = 0, out: Array<{ node: Node; depth: number }> = []): Array<{ node: Node; depth: number }> {
  for (const n of nodes) {
    out.push({ node: n, depth });
    if (n.children) allNodes(n.children, depth + 1, out);
  }
  return out;
}

/** The certificate with one node's length written in a non-DER form. */
export function withForm(der: Uint8Array, pick: (nodes: Array<{ node: Node; depth: number }>) => Node, form: NonNullable<Node['form']>): Uint8Array {
  const tree = parseTree(der);
  pick(allNodes(tree)).form = form;
  return encodeTree(tree);
}

/** The certificate with the 16-bit long-form length of the value at `at` (0x30 0x82 hi lo) changed by `delta`. */
export function adjustLength(der: Uint8Array, at: number, delta: number): Uint8Array {
  const out = new Uint8Array(der);
  if (out[at + 1] !== 0x82) throw new Error(`value at ${at} has no 2-octet length`);
  const v = ((out[at + 2]! << 8) | out[at + 3]!) + delta;
  out[at + 2] = v >> 8;
  out[at + 3] = v & 0xff;
  return out;
}
