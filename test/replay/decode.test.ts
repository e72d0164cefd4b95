/**
 * The key-log decoder: every committed transcript decodes with a key log built from its recorded master
 * secret (every MAC and both Finished verify, the application data comes out), the committed
 * gnutls-cli/gnutls-serv capture decodes with the key log gnutls-cli wrote, and corrupted input or a
 * wrong key is reported.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { decodeCommand, readTranscriptFile } from '../../lib/replay/cli-commands.js';
import { analyzeTranscript, decodeTranscript } from '../../lib/replay/decoder.js';
import { isRecordEntry, type RecordEntry, type Transcript } from '../../lib/replay/format.js';
import { keyLogLine, parseKeyLog } from '../../lib/replay/keylog.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { vectorPath } from '../helpers/paths.js';
import { copyTranscript, loadTranscript } from '../helpers/transcripts.js';

const dir = vectorPath('transcripts');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = loadTranscript;
const copy = copyTranscript;
const captureFile = vectorPath('transcripts', 'captures', 'gnutls-cli-gnutls-serv-aes128.json');
const captureKeylog = vectorPath('transcripts', 'captures', 'gnutls-cli-gnutls-serv-aes128.keylog');

/** The key-log line ut-tls would have written: client random from the transcript, master from the outcome. */
function keylogFor(tr: Transcript): string {
  const random = analyzeTranscript(tr, '').clientRandom!;
  return keyLogLine(random, tr.expected.masterSecret!) + '\n';
}

t.test('parseKeyLog reads CLIENT_RANDOM lines and skips comments and other labels', async (t) => {
  const random = 'ab'.repeat(32);
  const master = 'CD'.repeat(48);
  const map = parseKeyLog(`# comment\nCLIENT_HANDSHAKE_TRAFFIC_SECRET ${random} ${'00'.repeat(32)}\n\nCLIENT_RANDOM ${random.toUpperCase()} ${master}\r\nCLIENT_RANDOM short 00\n`);
  t.equal(map.size, 1);
  t.equal(toHex(map.get(random)!), master.toLowerCase());
});

t.test('every committed transcript decodes: MACs and both Finished verified, application data as recorded', async (t) => {
  for (const f of files) {
    const tr = readTranscriptFile(`${dir}/${f}`);
    if (!tr.expected.masterSecret) {
      // A handshake refused before any key existed: nothing is encrypted.
      const a = analyzeTranscript(tr, '');
      t.equal(a.macVerified + a.macFailed, 0, `${f}: no encrypted records`);
      t.same(a.errors, [], `${f}: plaintext decodes without problems`);
      continue;
    }
    const a = analyzeTranscript(tr, keylogFor(tr));
    t.same(a.errors, [], `${f}: no problems`);
    t.equal(a.ok, true, `${f}: ok`);
    t.equal(a.cipherSuite, tr.expected.cipherSuite, `${f}: suite`);
    if (tr.expected.resumed !== undefined) t.equal(a.resumed, tr.expected.resumed, `${f}: resumed`);
    t.equal(a.macFailed, 0, `${f}: no MAC failure`);
    const encrypted = a.records.filter((r) => r.encrypted).length;
    t.equal(a.macVerified, encrypted, `${f}: all ${encrypted} encrypted records MAC-verified`);
    if (tr.expected.handshake === 'complete') {
      t.equal(a.clientFinished, 'verified', `${f}: client Finished verified`);
      t.equal(a.serverFinished, 'verified', `${f}: server Finished verified`);
    }
    t.equal(toHex(a.applicationData.clientToServer), tr.expected.applicationData.clientToServer, `${f}: client data`);
    t.equal(toHex(a.applicationData.serverToClient), tr.expected.applicationData.serverToClient, `${f}: server data`);
  }
});

t.test('message order of a full, a resumed and an SSLv2-hello handshake', async (t) => {
  const names = (tr: Transcript): string[] => analyzeTranscript(tr, keylogFor(tr)).messages.map((m) => `${m.from}:${m.name}`);
  t.same(names(load('client-gnutls-dhe-aes128')), [
    'client:ClientHello',
    'server:ServerHello',
    'server:Certificate',
    'server:ServerKeyExchange',
    'server:ServerHelloDone',
    'client:ClientKeyExchange',
    'client:Finished',
    'server:Finished',
  ]);
  t.same(names(load('server-gnutls-aes128-resumed')), ['client:ClientHello', 'server:ServerHello', 'server:Finished', 'client:Finished']);
  t.same(names(load('client-gnutls-client-certificate')), [
    'client:ClientHello',
    'server:ServerHello',
    'server:Certificate',
    'server:CertificateRequest',
    'server:ServerHelloDone',
    'client:Certificate',
    'client:ClientKeyExchange',
    'client:CertificateVerify',
    'client:Finished',
    'server:Finished',
  ]);
  const v2 = load('server-synthetic-sslv2-hello');
  const a = analyzeTranscript(v2, keylogFor(v2));
  t.equal(a.records[0]!.type, 'sslv2-client-hello');
  t.match(a.messages[0]!.detail, /^SSLv2-compatible, TLS 1\.0/);
  t.equal(a.clientFinished, 'verified', 'the Finished hash starts with the SSLv2 hello body');
});

t.test('the committed gnutls-cli/gnutls-serv capture decodes with the key log gnutls-cli wrote', async (t) => {
  const tr = readTranscriptFile(captureFile);
  t.equal(tr.utTls, undefined, 'ut-tls took no part');
  t.match(tr.capture, { client: 'gnutls-cli 3.7.9', server: 'gnutls-serv 3.7.9' });
  const a = analyzeTranscript(tr, readFileSync(captureKeylog, 'utf8'));
  t.same(a.errors, []);
  t.same(
    a.messages.map((m) => m.name),
    ['ClientHello', 'ServerHello', 'Certificate', 'ServerHelloDone', 'ClientKeyExchange', 'Finished', 'NewSessionTicket', 'Finished'],
    'GnuTLS sends a NewSessionTicket before its Finished; it is part of the Finished hash',
  );
  t.equal(a.cipherSuite, 'TLS_RSA_WITH_AES_128_CBC_SHA');
  t.equal(a.clientFinished, 'verified');
  t.equal(a.serverFinished, 'verified');
  t.equal(new TextDecoder().decode(a.applicationData.clientToServer), 'hello from the peer\n');
  t.equal(new TextDecoder().decode(a.applicationData.serverToClient), 'hello from the peer\n');
  t.equal(toHex(a.applicationData.clientToServer), tr.expected.applicationData.clientToServer);

  const text = decodeTranscript(tr, readFileSync(captureKeylog, 'utf8'));
  t.match(text, /\[6\] client -> server {2}handshake {2}48 bytes {2}\(decrypted, MAC verified\)\n {6}Finished: verify_data [0-9a-f]{24} verified/);
  t.match(text, /client Finished: verified; server Finished: verified/);
  t.notMatch(text, new RegExp(tr.expected.masterSecret!), 'the master secret is never printed');
});

t.test('a wrong key, a missing key and a flipped ciphertext byte are reported', async (t) => {
  const tr = load('client-gnutls-aes256-full');
  const random = analyzeTranscript(tr, '').clientRandom!;
  const wrong = analyzeTranscript(tr, keyLogLine(random, 'ee'.repeat(48)));
  t.equal(wrong.ok, false);
  t.equal(wrong.keyFound, true);
  t.equal(wrong.macFailed, 2, 'the first encrypted record of each side fails, the rest is not decrypted');
  t.match(wrong.errors[0], /bad record MAC/);

  const none = analyzeTranscript(tr, `CLIENT_RANDOM ${'00'.repeat(32)} ${'11'.repeat(48)}\n`);
  t.equal(none.keyFound, false);
  t.equal(none.errors[0], `no CLIENT_RANDOM line for ${random} in the key log`);
  t.equal(none.clientFinished, 'not decrypted');
  t.equal(none.ok, false);

  const flipped = copy(tr);
  const idx = flipped.records.findIndex((e) => isRecordEntry(e) && e.from === 'peer' && e.type === 'application_data');
  const rec = flipped.records[idx] as RecordEntry;
  const bytes = fromHex(rec.hex);
  bytes[bytes.length - 20]! ^= 0x80;
  rec.hex = toHex(bytes);
  const a = analyzeTranscript(flipped, keylogFor(tr));
  t.equal(a.macFailed, 1);
  t.equal(a.ok, false);
  t.match(a.errors[0], new RegExp(`^record ${idx} \\(server, application_data\\): RFC 2246 6\\.2\\.3: bad record MAC or padding`));
  const bad = a.records.find((r) => r.index === idx)!;
  t.equal(bad.macVerified, false);

  t.equal(wrong.clientFinished, 'not decrypted', 'the Finished record fails its MAC before it can be read');
  t.equal(wrong.serverFinished, 'not decrypted');
});

t.test('decodeCommand: 0 and the decoding on stdout for a good key log, 1 for a wrong one, 2 for bad usage', async (t) => {
  const out: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
  t.equal(await decodeCommand([captureFile, '--keylog', captureKeylog], io), 0);
  t.match(out.join(''), /NewSessionTicket: lifetime hint \d+ s/);
  const tmp = t.testdir({});
  writeFileSync(`${tmp}/wrong.keylog`, readFileSync(captureKeylog, 'utf8').replace(/ ([0-9a-f])([0-9a-f]{95})\s*$/m, (_m, a: string, rest: string) => ` ${a === '0' ? '1' : '0'}${rest}\n`));
  out.length = 0;
  t.equal(await decodeCommand([captureFile, '--keylog', `${tmp}/wrong.keylog`], io), 1);
  t.match(out.join(''), /record MACs: 0 verified, 2 failed/);
  t.equal(await decodeCommand([captureFile], io), 2);
  t.equal(await decodeCommand([captureFile, '--keylog', `${tmp}/missing.keylog`], io), 2);
});
