/**
 * The recorder without a network: sessions recorded in memory replay byte-exact, recording is
 * deterministic when both sides are seeded, and the synthetic SSLv2-hello transcript is reproduced
 * exactly from its seeds.
 */
import t from 'tap';
import { readKeyFiles, readTranscriptFile } from '../../lib/replay/cli-commands.js';
import { engineOptionsFor } from '../../lib/replay/config.js';
import { isRecordEntry, type Transcript, type UtTlsConfig } from '../../lib/replay/format.js';
import { RecordingSession } from '../../lib/replay/recorder.js';
import { replayTranscript } from '../../lib/replay/replayer.js';
import { recordSSLv2HelloSession } from '../recording/synthetic-client.js';
import { Connection } from '../../lib/engine/connection.js';
import { utf8 } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';

const keys = readKeyFiles(vectorPath('transcripts', 'x.json'));
const peer = { implementation: 'test', version: '0', role: 'server' as const };

/** ut-tls client (recorded) against a ut-tls server (the "peer", seeded too), in memory. */
function recordAgainstUtTls(clientConfig: UtTlsConfig, serverSeed: string): Transcript {
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const session = new RecordingSession({
    config: clientConfig,
    keys,
    script: { kind: 'send-then-close', message: utf8('ping\n') },
    transport: (b) => toServer.push(b),
  });
  const serverConfig: UtTlsConfig = { role: 'server', seed: serverSeed, clock: clientConfig.clock, cipherSuites: clientConfig.cipherSuites, certificate: 'server.pem', privateKey: 'server.key', extensions: {} };
  const server = new Connection(engineOptionsFor(serverConfig, keys).options, {
    output: (b) => toClient.push(b),
    handshakeComplete: () => undefined,
    data: (d) => server.write(d),
    peerClosed: () => undefined,
    error: (e) => {
      throw e;
    },
  });
  session.start();
  for (let round = 0; round < 100 && (toServer.length > 0 || toClient.length > 0); round++) {
    while (toServer.length > 0) server.receive(toServer.shift()!);
    while (toClient.length > 0) session.peerBytes(toClient.shift()!);
  }
  return session.transcript({ name: 'in-memory', description: 'ut-tls against ut-tls', peer });
}

t.test('a session recorded in memory replays byte-exact; recording twice gives the same transcript', async (t) => {
  for (const suite of ['TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA']) {
    const config: UtTlsConfig = { role: 'client', seed: `rec ${suite}`, clock: Date.UTC(2025, 5, 1), cipherSuites: [suite], extensions: {} };
    const a = recordAgainstUtTls(config, 'server seed');
    const b = recordAgainstUtTls(config, 'server seed');
    t.same(a.records, b.records, `${suite}: deterministic`);
    t.equal(a.expected.handshake, 'complete');
    t.equal(a.expected.cipherSuite, suite);
    t.equal(a.expected.applicationData.serverToClient, '70696e670a', 'the echo of "ping\\n"');
    t.same(
      a.records.filter((e) => !isRecordEntry(e)),
      [{ action: 'write', hex: '70696e670a' }, { action: 'close' }],
      'the application actions are in the transcript',
    );
    const r = replayTranscript(a, keys);
    t.same(r.errors, [], `${suite}: replays`);
    t.equal(r.outcome.masterSecret, a.expected.masterSecret);

    const other = recordAgainstUtTls({ ...config, seed: 'another seed' }, 'server seed');
    t.not((other.records[0] as { hex: string }).hex, (a.records[0] as { hex: string }).hex, 'another seed, another ClientHello.random');
  }
});

t.test('the extensions block is passed to the engine: max_fragment_length shows in the ClientHello', async (t) => {
  const config: UtTlsConfig = { role: 'client', seed: 'mfl', clock: 0, cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], extensions: { maxFragmentLength: 512 } };
  const tr = recordAgainstUtTls(config, 'server');
  // extension type 0001, length 1, value 1 (2^9)
  t.match((tr.records[0] as { hex: string }).hex, /0001000101/);
  t.equal(tr.expected.handshake, 'complete');
  t.same(replayTranscript(tr, keys).errors, []);
});

t.test('re-recording the synthetic SSLv2-hello session from its seeds reproduces the committed transcript', async (t) => {
  const committed = readTranscriptFile(vectorPath('transcripts', 'server-synthetic-sslv2-hello.json'));
  const seed = /seededRandom\("([^"]+)"\)/.exec(committed.peer!.command!)![1]!;
  const session = recordSSLv2HelloSession({
    config: committed.utTls!,
    keys,
    peerSeed: seed,
    suites: [0x000a],
    message: utf8('hello from the peer\n'),
  });
  const fresh = session.transcript({ name: committed.name, description: committed.description, peer: committed.peer!, synthetic: true });
  t.same(fresh.records, committed.records, 'every record and action identical');
  t.same(fresh.expected, committed.expected);
});
