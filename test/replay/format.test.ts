/**
 * The transcript format's checks, the record splitter, and the field names used in divergence messages.
 */
import t from 'tap';
import { fieldAt, summarizeRecord } from '../../lib/replay/fields.js';
import { parseTranscript, sessionFromJson, sessionToJson, TranscriptFormatError } from '../../lib/replay/format.js';
import { readTranscriptFile } from '../../lib/replay/cli-commands.js';
import { suiteIdOf } from '../../lib/replay/config.js';
import { encodeSession } from '../../lib/session/codec.js';
import { RecordSplitter, recordTypeName, splitRecords } from '../../lib/replay/records.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { DHE_RSA_KEY_EXCHANGE } from '../../lib/engine/key-exchange/dhe-rsa.js';
import { vectorPath } from '../helpers/paths.js';

const good = {
  format: 'ut-tls-transcript',
  version: 1,
  name: 'x',
  description: '',
  utTls: { role: 'client', seed: 's', clock: 0, cipherSuites: ['TLS_RSA_WITH_RC4_128_SHA'], extensions: {} },
  records: [{ from: 'ut-tls', type: 'handshake', hex: '16030100' }, { action: 'write', hex: '' }, { action: 'close' }],
  expected: { handshake: 'failed', applicationData: { clientToServer: '', serverToClient: '' } },
};

t.test('parseTranscript accepts a minimal transcript and refuses malformed ones, naming the field', async (t) => {
  t.equal(parseTranscript(structuredClone(good)).name, 'x');
  const bad = (mutate: (x: any) => void, message: RegExp): void => {
    const x = structuredClone(good) as any;
    mutate(x);
    t.throws(() => parseTranscript(x), { name: 'TranscriptFormatError', message }, message.source);
  };
  bad((x) => (x.format = 'pcap'), /^format: must be "ut-tls-transcript"/);
  bad((x) => (x.version = 2), /^version: unsupported version 2/);
  bad((x) => (x.records[0].hex = '16 03'), /^records\[0\]\.hex: must be a lower-case hex string/);
  bad((x) => (x.records[0].hex = 'ABCD'), /^records\[0\]\.hex: must be a lower-case hex string/);
  bad((x) => (x.records[0].hex = ''), /^records\[0\]\.hex: must not be empty/);
  bad((x) => (x.records[0].from = 'client'), /^records\[0\]\.from: must be one of ut-tls, peer/);
  bad((x) => (x.records[1] = { action: 'renegotiate' }), /^records\[1\]: must be a record/);
  bad((x) => (x.capture = { client: 'a', server: 'b' }), /needs exactly one of utTls/);
  bad((x) => delete x.utTls, /needs exactly one of utTls/);
  bad((x) => (x.utTls.role = 'proxy'), /^utTls\.role/);
  bad((x) => (x.utTls.clock = '2025'), /^utTls\.clock/);
  bad((x) => (x.utTls.role = 'server'), /the server role needs certificate and privateKey/);
  bad((x) => (x.utTls.session = { encoded: 'zz' }), /^utTls\.session\.encoded/);
  bad((x) => (x.expected.handshake = 'maybe'), /^expected\.handshake/);
  bad((x) => (x.expected.applicationData.serverToClient = 5), /^expected\.applicationData\.serverToClient/);
  bad((x) => (x.expected.alert = { description: 40, sentBy: 'client' }), /^expected\.alert\.sentBy/);
  t.throws(() => parseTranscript([]), TranscriptFormatError);
});

t.test('session data round-trips through JSON', async (t) => {
  const s = {
    id: fromHex('aa'.repeat(32)),
    masterSecret: fromHex('bb'.repeat(48)),
    cipherSuite: 0x0a,
    compressionMethod: 0,
    createdAt: 1735689600000,
    lifetime: 86400,
    servername: 'localhost',
    peerCertificates: [fromHex('3082')],
    truncatedHmac: true,
  };
  const json = sessionToJson(s);
  // The JSON is the session codec's bytes (no second list of SessionData fields).
  t.equal(json.encoded, toHex(encodeSession(s)));
  t.same(sessionFromJson(json), s);
  t.equal(suiteIdOf('0x00ff'), 0xff);
  t.throws(() => suiteIdOf('TLS_NOPE'), /unknown cipher suite/);
});

t.test('the splitter cuts records at their length, across chunks, with an optional SSLv2 first record', async (t) => {
  const s = new RecordSplitter(false);
  t.same(s.push(fromHex('1603010002')), [], 'a header alone is not a record');
  t.same(s.push(fromHex('0e')), []);
  t.same(s.push(fromHex('0014030100010116')).map(toHex), ['16030100020e00', '1403010001 01'.replace(' ', '')]);
  t.equal(toHex(s.pending), '16');
  const v2 = splitRecords(fromHex('8003010301' + '16030100ff00'), true);
  t.same(v2.map(toHex), ['8003010301', '16030100ff00'], 'the V2 length is honoured; an incomplete tail comes last');
  const v2b = splitRecords(fromHex('8004' + '01030100' + '1503010002' + '0100'), true);
  t.same(v2b.map(recordTypeName), ['sslv2-client-hello', 'alert']);
  t.same(splitRecords(fromHex('8004010301001503010002'), false).map(toHex), ['8004010301001503010002'], 'without the V2 option: one (strange) record');
});

t.test('fieldAt names header, hello and other message fields', async (t) => {
  const tr = readTranscriptFile(vectorPath('transcripts', 'client-gnutls-sni.json'));
  const hello = fromHex((tr.records[0] as { hex: string }).hex);
  const ctx = { encrypted: false };
  t.equal(fieldAt(hello, 0, ctx), 'record header: content type');
  t.equal(fieldAt(hello, 2, ctx), 'record header: version');
  t.equal(fieldAt(hello, 4, ctx), 'record header: length');
  t.equal(fieldAt(hello, 5, ctx), 'ClientHello header: msg_type');
  t.equal(fieldAt(hello, 8, ctx), 'ClientHello header: length');
  t.equal(fieldAt(hello, 9, ctx), 'ClientHello.client_version');
  t.equal(fieldAt(hello, 11, ctx), 'ClientHello.random');
  t.equal(fieldAt(hello, 42, ctx), 'ClientHello.random');
  t.equal(fieldAt(hello, 43, ctx), 'ClientHello.session_id');
  t.equal(fieldAt(hello, 44, ctx), 'ClientHello.cipher_suites');
  t.equal(fieldAt(hello, hello.length - 1, ctx), 'ClientHello.extensions[server_name]');
  t.equal(fieldAt(hello, 20, { encrypted: true }), 'encrypted handshake fragment');
  t.equal(fieldAt(fromHex('14030100010a'), 5, ctx), 'ChangeCipherSpec');
  t.equal(fieldAt(fromHex('15030100020228'), 6, ctx), 'alert description');
  t.equal(fieldAt(fromHex('160301000414000003aabbcc'), 10, ctx), 'Finished.verify_data');
  t.equal(fieldAt(fromHex('16030100060e000000' + '10000002' + '0102'), 13, { encrypted: false, keyExchange: DHE_RSA_KEY_EXCHANGE.wire }), 'ClientKeyExchange.dh_Yc');
  t.equal(fieldAt(fromHex('80080103010000000000'), 3, ctx), 'SSLv2 ClientHello.version');
  t.equal(summarizeRecord(fromHex('15030100020228'), false), 'alert fatal handshake_failure');
  t.equal(summarizeRecord(hello, false), 'ClientHello');
  t.equal(summarizeRecord(fromHex('170301000412345678'), true), 'application data (encrypted)');
  t.equal(summarizeRecord(fromHex('16030100060200100000'), false), 'ServerHello (continues)');
});
