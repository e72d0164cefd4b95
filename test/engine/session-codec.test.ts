import t from 'tap';
import { decodeSession, encodeSession } from '../../lib/session/codec.js';
import type { SessionData } from '../../lib/engine/types.js';
import { DecodeError } from '../../lib/util/bytes.js';
import { handshake } from '../helpers/engine-pair.js';

const sample: SessionData = {
  id: new Uint8Array(32).fill(1),
  masterSecret: new Uint8Array(48).fill(2),
  cipherSuite: 0x000a,
  compressionMethod: 0,
  createdAt: 1_795_000_000_123,
  lifetime: 86400,
  servername: 'xcap.ims.example.org',
  maxFragmentLength: 1024,
  truncatedHmac: true,
  appData: new Uint8Array([9, 9, 9]),
  peerCertificates: [new Uint8Array([0x30, 1, 2]), new Uint8Array([0x30, 3])],
};

t.test('a session round-trips through bytes, every field', async (t) => {
  t.same(decodeSession(encodeSession(sample)), sample);
  const minimal: SessionData = { ...sample, peerCertificates: [] };
  delete (minimal as { servername?: string }).servername;
  delete (minimal as { maxFragmentLength?: number }).maxFragmentLength;
  delete (minimal as { truncatedHmac?: boolean }).truncatedHmac;
  delete (minimal as { appData?: Uint8Array }).appData;
  t.same(decodeSession(encodeSession(minimal)), minimal);
});

t.test('a real session from a handshake round-trips and resumes', async (t) => {
  const first = await handshake();
  const bytes = encodeSession(first.client.sessions[0]!);
  const restored = decodeSession(bytes);
  t.equal(restored.peerCertificates.length, 1);
  t.equal(restored.masterSecret.length, 48);
});

t.test('anything else is a DecodeError, never another exception', async (t) => {
  const good = encodeSession(sample);
  for (let cut = 0; cut < good.length; cut++) t.throws(() => decodeSession(good.subarray(0, cut)), DecodeError, `truncated at ${cut}`);
  t.throws(() => decodeSession(new Uint8Array([...good, 0])), DecodeError, 'trailing byte');
  const bad = good.slice();
  bad[3] = 2;
  t.throws(() => decodeSession(bad), /not a ut-tls session/);
});
