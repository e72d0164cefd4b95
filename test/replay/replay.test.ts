/**
 * Replays every committed transcript (vectors/transcripts/*.json) byte for byte, checks the catalogue
 * covers what it must, and shows that corrupted transcripts fail with errors that name the record.
 */
import { readdirSync } from 'node:fs';
import t from 'tap';
import { readTranscriptFile, replayCommand } from '../../lib/replay/cli-commands.js';
import { isRecordEntry, sessionFromJson, type RecordEntry } from '../../lib/replay/format.js';
import { toHex } from '../../lib/util/bytes.js';
import { replayTranscript } from '../../lib/replay/replayer.js';
import { vectorPath } from '../helpers/paths.js';
import { copyTranscript, flipByte, loadTranscript, nth, transcriptKeys } from '../helpers/transcripts.js';

const dir = vectorPath('transcripts');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const keys = transcriptKeys;
const load = loadTranscript;
const copy = copyTranscript;

t.test('every committed transcript replays byte-exact and reaches its recorded outcome', async (t) => {
  t.ok(files.length >= 30, `${files.length} transcripts`);
  for (const f of files) {
    const tr = readTranscriptFile(`${dir}/${f}`);
    const r = replayTranscript(tr, keys);
    t.same(r.errors, [], `${f}: no divergence`);
    t.equal(r.ok, true, `${f}: ok`);
    const own = tr.records.filter((e) => isRecordEntry(e) && e.from === 'ut-tls').length;
    t.equal(r.recordsMatched, own, `${f}: all ${own} ut-tls records compared equal`);
    t.equal(r.outcome.handshake, tr.expected.handshake, `${f}: handshake ${tr.expected.handshake}`);
    t.equal(r.outcome.applicationData.clientToServer, tr.expected.applicationData.clientToServer, `${f}: client data`);
    t.equal(r.outcome.applicationData.serverToClient, tr.expected.applicationData.serverToClient, `${f}: server data`);
  }
});

t.test('the catalogue covers the four RSA suites, both roles, full and resumed, against GnuTLS', async (t) => {
  const suites = {
    '3des': 'TLS_RSA_WITH_3DES_EDE_CBC_SHA',
    rc4: 'TLS_RSA_WITH_RC4_128_SHA',
    aes128: 'TLS_RSA_WITH_AES_128_CBC_SHA',
    aes256: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  };
  for (const [short, suite] of Object.entries(suites)) {
    for (const [name, role, resumed] of [
      [`client-gnutls-${short}-full`, 'client', false],
      [`client-gnutls-${short}-resumed`, 'client', true],
      [`server-gnutls-${short}-full`, 'server', false],
      [`server-gnutls-${short}-resume-first`, 'server', false],
      [`server-gnutls-${short}-resumed`, 'server', true],
    ] as const) {
      const tr = load(name);
      t.equal(tr.utTls!.role, role, `${name}: role`);
      t.match(tr.peer!.implementation, /^gnutls-(serv|cli)$/, `${name}: GnuTLS peer`);
      t.equal(tr.peer!.version, '3.7.9', `${name}: peer version`);
      t.equal(tr.expected.cipherSuite, suite, `${name}: suite`);
      t.equal(tr.expected.resumed, resumed, `${name}: resumed`);
      t.equal(tr.utTls!.session !== undefined, resumed, `${name}: carries the session it resumes`);
    }
    // The resumed connection resumes the session its first connection made.
    const first = load(`server-gnutls-${short}-resume-first`);
    const second = load(`server-gnutls-${short}-resumed`);
    t.equal(toHex(sessionFromJson(second.utTls!.session!).id), first.expected.sessionId, `server ${short}: resumes the first session id`);
    t.equal(second.expected.masterSecret, first.expected.masterSecret, `server ${short}: same master secret`);
    const cfull = load(`client-gnutls-${short}-full`);
    t.equal(toHex(sessionFromJson(load(`client-gnutls-${short}-resumed`).utTls!.session!).masterSecret), cfull.expected.masterSecret, `client ${short}: same master secret`);
  }
});

t.test('node:tls, DHE_RSA, SSLv2 hello, empty certificate, SNI and the refused anonymous offer are recorded', async (t) => {
  for (const name of ['client-node-aes128', 'client-node-aes256', 'server-node-aes128', 'server-node-aes256']) {
    const tr = load(name);
    t.equal(tr.peer!.implementation, 'node:tls', name);
    t.match(tr.peer!.version, /^OpenSSL 3\./, `${name}: OpenSSL version recorded`);
    t.equal(tr.expected.handshake, 'complete', name);
  }
  for (const name of ['client-gnutls-dhe-aes128', 'server-gnutls-dhe-aes128']) {
    t.equal(load(name).expected.cipherSuite, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', name);
  }

  const v2 = load('server-synthetic-sslv2-hello');
  t.equal(v2.synthetic, true, 'the SSLv2 hello transcript says it is synthetic');
  t.equal(v2.peer!.implementation, 'synthetic');
  const hello = v2.records[0] as RecordEntry;
  t.equal(hello.type, 'sslv2-client-hello', 'first record is the SSLv2-compatible hello');
  t.equal(parseInt(hello.hex.slice(0, 2), 16) & 0x80, 0x80, 'two-byte SSLv2 header with the top bit set');
  t.equal(v2.expected.handshake, 'complete');

  const emptyClient = load('client-gnutls-empty-certificate');
  const ownSecond = emptyClient.records[nth(emptyClient, 'ut-tls', 1)] as RecordEntry;
  // Certificate (type 11) with an empty certificate_list: 0b 000003 000000
  t.match(ownSecond.hex.slice(10, 24), /^0b000003000000$/, 'ut-tls client answers CertificateRequest with an empty Certificate');
  t.equal(emptyClient.expected.handshake, 'complete');
  const emptyServer = load('server-gnutls-empty-certificate');
  t.equal(emptyServer.utTls!.requestCert, true);
  t.match((emptyServer.records[nth(emptyServer, 'peer', 1)] as RecordEntry).hex.slice(10, 24), /^0b000003000000$/, 'gnutls-cli sends an empty Certificate');
  t.equal(emptyServer.expected.handshake, 'complete');

  const sni = load('client-gnutls-sni');
  t.equal(sni.utTls!.servername, 'localhost');
  // server_name extension: type 0000, list with host_name "localhost"
  t.match((sni.records[0] as RecordEntry).hex, /0000000e000c0000096c6f63616c686f7374/, 'the ClientHello carries server_name "localhost"');

  const anon = load('server-gnutls-anon-dh-refused');
  t.same(
    { handshake: anon.expected.handshake, description: anon.expected.alert!.description, sentBy: anon.expected.alert!.sentBy, rule: anon.expected.alert!.rule },
    { handshake: 'failed', description: 40, sentBy: 'ut-tls', rule: 'TS 33.141 7.2(a)' },
    'anonymous-only offer refused with a fatal handshake_failure naming TS 33.141 7.2(a)',
  );
});

t.test('a flipped byte in a peer record fails the replay with a clear error', async (t) => {
  const tr = copy(load('client-gnutls-aes128-full'));
  // The peer's encrypted Finished: the record after its ChangeCipherSpec.
  const ccs = tr.records.findIndex((e) => isRecordEntry(e) && e.from === 'peer' && e.type === 'change_cipher_spec');
  const finished = tr.records[ccs + 1] as RecordEntry;
  finished.hex = flipByte(finished.hex, 20);
  const r = replayTranscript(tr, keys);
  t.equal(r.ok, false);
  t.equal(r.errors[0], `record ${ccs + 1} (handshake) from the peer was refused by ut-tls: RFC 2246 6.2.3: bad record MAC or padding (sent bad_record_mac alert 20)`);
  t.ok(r.divergence, 'and ut-tls then diverges (its alert instead of the recorded data)');
  t.equal(r.divergence!.contentType, 'application_data');

  // A flipped ServerHello.random is accepted, but ut-tls's Finished (under other keys) no longer matches.
  const tr2 = copy(load('client-gnutls-aes128-full'));
  const sh = tr2.records[nth(tr2, 'peer', 0)] as RecordEntry;
  sh.hex = flipByte(sh.hex, 5 + 4 + 2 + 7);
  const r2 = replayTranscript(tr2, keys);
  t.equal(r2.ok, false);
  const ownFinished = tr2.records.findIndex((e, i) => isRecordEntry(e) && e.from === 'ut-tls' && i > 0 && (tr2.records[i - 1] as RecordEntry).type === 'change_cipher_spec');
  t.equal(r2.divergence!.recordIndex, ownFinished, 'the divergence names ut-tls Finished record');
  t.equal(r2.divergence!.field, 'encrypted handshake fragment');
  t.match(r2.errors[0], new RegExp(`^record ${ownFinished} \\(handshake\\): byte \\d+ differs \\(encrypted handshake fragment\\)`));
});

t.test("a flipped byte in ut-tls's own expected bytes is reported as a divergence naming that record and field", async (t) => {
  const client = copy(load('client-gnutls-3des-full'));
  const hello = client.records[0] as RecordEntry;
  hello.hex = flipByte(hello.hex, 20); // 5 header + 4 handshake header + 2 version = 11: byte 20 is inside random
  const r = replayTranscript(client, keys);
  t.equal(r.ok, false);
  t.same(
    { recordIndex: r.divergence!.recordIndex, contentType: r.divergence!.contentType, offset: r.divergence!.offset, field: r.divergence!.field },
    { recordIndex: 0, contentType: 'handshake', offset: 20, field: 'ClientHello.random' },
  );
  t.match(r.errors[0], /^record 0 \(handshake\): byte 20 differs \(ClientHello\.random\): expected 0x[0-9a-f]{2}, ut-tls produced 0x[0-9a-f]{2}$/);
  t.equal(r.errors.length, 1, 'one divergence reported, the replay stops there');

  const server = copy(load('server-gnutls-aes256-full'));
  const idx = nth(server, 'ut-tls', 0);
  const flight = server.records[idx] as RecordEntry;
  flight.hex = flipByte(flight.hex, 5 + 4 + 2 + 32 + 1 + 3); // inside ServerHello.session_id
  const r2 = replayTranscript(server, keys);
  t.equal(r2.divergence!.recordIndex, idx);
  t.equal(r2.divergence!.field, 'ServerHello.session_id');
  t.equal(r2.divergence!.offset, 47);
  t.match(r2.errors[0], `record ${idx} (handshake): byte 47 differs (ServerHello.session_id)`);

  const hdr = copy(load('server-gnutls-rc4-full'));
  const last = hdr.records.length - 1;
  const alert = hdr.records[last] as RecordEntry;
  t.equal(alert.from, 'ut-tls');
  alert.hex = flipByte(alert.hex, 4);
  const r3 = replayTranscript(hdr, keys);
  t.equal(r3.divergence!.recordIndex, last);
  t.equal(r3.divergence!.field, 'record header: length');
  t.match(r3.errors[0], `record ${last} (alert): byte 4 differs (record header: length)`);
});

t.test('missing and extra records, and outcome mismatches, are reported', async (t) => {
  const short = copy(load('client-gnutls-rc4-full'));
  short.records.pop(); // the peer's close_notify
  const ownLast = short.records.length - 1;
  t.equal((short.records[ownLast] as RecordEntry).from, 'ut-tls');
  short.records.splice(ownLast, 1); // ut-tls's close_notify
  const r = replayTranscript(short, keys);
  t.equal(r.ok, false);
  t.match(r.errors[0], /^ut-tls produced 1 record\(s\) more than the transcript has, the first a alert record of \d+ bytes$/);

  const more = copy(load('client-gnutls-rc4-full'));
  more.records.push({ from: 'ut-tls', type: 'alert', hex: '1503010002' + '0100' });
  const r2 = replayTranscript(more, keys);
  t.match(r2.errors[0], `record ${more.records.length - 1} (alert): ut-tls produced nothing where the transcript has 7 bytes`);

  const secret = copy(load('server-gnutls-3des-full'));
  secret.expected.masterSecret = '00'.repeat(48);
  secret.expected.applicationData.clientToServer = '';
  const r3 = replayTranscript(secret, keys);
  t.equal(r3.divergence, undefined, 'the bytes all match');
  t.match(r3.errors.join('\n'), /outcome: masterSecret should be "0{96}"/);
  t.match(r3.errors.join('\n'), /outcome: application data client to server should be ""/);

  const alert = copy(load('server-gnutls-anon-dh-refused'));
  alert.expected.alert!.rule = 'TS 33.141 7.2(b)';
  t.match(replayTranscript(alert, keys).errors, ['outcome: alert rule should be "TS 33.141 7.2(b)", replay gave "TS 33.141 7.2(a)"']);

  const capture = readTranscriptFile(vectorPath('transcripts', 'captures', 'gnutls-cli-gnutls-serv-aes128.json'));
  t.match(replayTranscript(capture, keys).errors[0], /cannot be replayed, only decoded/);

  const nokey = copy(load('server-gnutls-3des-full'));
  t.match(replayTranscript(nokey, {}).errors[0], /key file "server.pem" is not available/);
});

t.test('replayCommand: 0 for the committed directory, 1 for a corrupted file, 2 for no arguments', async (t) => {
  const out: string[] = [];
  const io = { out: (s: string) => void out.push(s), err: (s: string) => void out.push(s) };
  t.equal(await replayCommand([dir], io), 0);
  t.match(out.join(''), new RegExp(`${files.length} passed, 0 failed`));

  const tmp = t.testdir({});
  const bad = copy(load('client-gnutls-3des-full'));
  (bad.records[0] as RecordEntry).hex = flipByte((bad.records[0] as RecordEntry).hex, 20);
  const { writeFileSync } = await import('node:fs');
  writeFileSync(`${tmp}/bad.json`, JSON.stringify(bad));
  out.length = 0;
  t.equal(await replayCommand(['--keys', vectorPath('transcripts', 'keys'), `${tmp}/bad.json`], io), 1);
  t.match(out.join(''), /FAIL client-gnutls-3des-full\n {5}record 0 \(handshake\): byte 20 differs \(ClientHello\.random\)/);

  writeFileSync(`${tmp}/broken.json`, '{"format":"ut-tls-transcript","version":99}');
  out.length = 0;
  t.equal(await replayCommand([`${tmp}/broken.json`], io), 1);
  t.match(out.join(''), /cannot read: version: unsupported version 99/);

  t.equal(await replayCommand([], io), 2);
});

t.test('random corruption of a transcript never makes the replayer or the decoder throw', async (t) => {
  const { analyzeTranscript } = await import('../../lib/replay/decoder.js');
  const base = load('client-gnutls-aes128-full');
  const keylog = `CLIENT_RANDOM ${analyzeTranscript(base, '').clientRandom} ${base.expected.masterSecret}\n`;
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let failures = 0;
  for (let i = 0; i < 120; i++) {
    const tr = copy(base);
    const recs = tr.records.filter(isRecordEntry);
    const rec = recs[rand(recs.length)]!;
    const len = rec.hex.length / 2;
    const mode = rand(3);
    if (mode === 0) rec.hex = flipByte(rec.hex, rand(len));
    else if (mode === 1) rec.hex = rec.hex.slice(0, 2 * (1 + rand(len - 1)));
    else rec.hex = rec.hex + 'ff'.repeat(1 + rand(8));
    const r = replayTranscript(tr, keys);
    const a = analyzeTranscript(tr, keylog);
    if (!r.ok) failures++;
    t.equal(typeof a.ok, 'boolean');
  }
  t.equal(failures, 120, 'every corrupted transcript fails its replay');

  const tail = copy(base);
  const last = tail.records[tail.records.length - 1] as RecordEntry;
  last.hex += 'ff';
  t.match(replayTranscript(tail, keys).errors[0], `record ${tail.records.length - 1} (alert) from the peer is not one whole record`, 'bytes after the final record are caught');
});
