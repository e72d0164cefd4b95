/**
 * Decoding a session ut-tls takes no part in: gnutls-cli against gnutls-serv, live, through a TCP relay
 * that writes down every record both ways, with SSLKEYLOGFILE set for gnutls-cli (GnuTLS 3.7 honours it).
 */
import t from 'tap';
import { analyzeTranscript, decodeTranscript } from '../../lib/replay/decoder.js';
import { parseTranscript, serializeTranscript } from '../../lib/replay/format.js';
import { parseKeyLog } from '../../lib/replay/keylog.js';
import { captureGnutlsSession } from '../recording/scenarios.js';
import { vectorPath } from '../helpers/paths.js';

const keysDir = vectorPath('transcripts', 'keys');

t.test('gnutls-cli <-> relay <-> gnutls-serv, decoded with the key log gnutls-cli wrote', async (t) => {
  const message = 'relay test: hello gnutls\n';
  const { transcript, keylog } = await captureGnutlsSession({ keysDir, name: 'live-capture', message });
  const a = analyzeTranscript(transcript, keylog);
  t.equal(parseKeyLog(keylog).has(a.clientRandom!), true, 'SSLKEYLOGFILE has the CLIENT_RANDOM line of this session');
  t.same(a.errors, [], 'decodes without problems');
  t.same(
    a.messages.map((m) => `${m.from}:${m.name}`),
    [
      'client:ClientHello',
      'server:ServerHello',
      'server:Certificate',
      'server:ServerHelloDone',
      'client:ClientKeyExchange',
      'client:Finished',
      'server:NewSessionTicket',
      'server:Finished',
    ],
    'handshake messages in order',
  );
  t.equal(a.cipherSuite, 'TLS_RSA_WITH_AES_128_CBC_SHA');
  t.equal(a.resumed, false);
  t.equal(a.clientFinished, 'verified');
  t.equal(a.serverFinished, 'verified');
  t.equal(a.macFailed, 0);
  t.equal(a.macVerified, a.records.filter((r) => r.encrypted).length, 'every encrypted record MAC-verified');
  t.equal(new TextDecoder().decode(a.applicationData.clientToServer), message, 'client data decrypted');
  t.equal(new TextDecoder().decode(a.applicationData.serverToClient), message, 'the echo decrypted');
  t.same(
    a.alerts.map((x) => `${x.from}:${x.name}`),
    ['client:close_notify', 'server:close_notify'],
  );
  t.equal(transcript.expected.handshake, 'complete');

  // The capture survives the JSON round trip and prints the decoding.
  const again = parseTranscript(JSON.parse(serializeTranscript(transcript)));
  const text = decodeTranscript(again, keylog);
  t.match(text, /live-capture: gnutls-cli 3\.7\.9 with gnutls-serv 3\.7\.9 \(capture\)/);
  t.match(text, /application data: 25 bytes "relay test: hello gnutls\\n"/);
  t.match(text, /client Finished: verified; server Finished: verified/);
});

t.test('a 3DES capture decodes too (block size 8, other key sizes)', async (t) => {
  const priority = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+3DES-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT:%NO_ETM';
  const { transcript, keylog } = await captureGnutlsSession({ keysDir, name: 'live-3des', message: 'x\n', priority });
  const a = analyzeTranscript(transcript, keylog);
  t.same(a.errors, []);
  t.equal(a.cipherSuite, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA');
  t.equal(a.clientFinished, 'verified');
  t.equal(a.serverFinished, 'verified');
  t.equal(new TextDecoder().decode(a.applicationData.serverToClient), 'x\n');
});
