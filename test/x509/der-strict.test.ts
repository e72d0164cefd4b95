/**
 * Issue 21 item 7: strict DER for certificates. A valid certificate re-encoded in any non-canonical
 * form (an outer or inner length that does not cover exactly its content, trailing bytes, a long-form
 * length below 128, a length with a leading zero, an indefinite length) is a DecodeError from the
 * parser, and a real ut-tls peer answers it with a fatal bad_certificate alert on the wire: a server
 * shown such a client certificate, and a client shown such a server certificate. Before the strict
 * check asn1js accepted an outer SEQUENCE length lowered by up to 257 bytes of the test leaf.
 */
import t, { type Test } from 'tap';
import { once } from 'node:events';
import { AlertDescription } from '../../lib/alerts.js';
import { connect, createServer } from '../../lib/index.js';
import { DecodeError } from '../../lib/util/bytes.js';
import { checkStrictDer } from '../../lib/x509/der-strict.js';
import { fingerprint, parseCertificate } from '../../lib/x509/certificate.js';
import { pemDecode } from '../../lib/x509/pem.js';
import { fatalAlerts, startRewriteRelay } from '../helpers/cert-rewrite-relay.js';
import { adjustLength, encodeTree, parseTree, withForm } from '../helpers/der-forms.js';
import { testPki } from '../helpers/pki.js';

const pki = await testPki();
const serverDer = pemDecode(pki.certPem, 'CERTIFICATE')[0]!;
const clientDer = pemDecode(pki.clientCertPem, 'CERTIFICATE')[0]!;

/** The non-canonical forms of one certificate, by name. */
function forms(der: Uint8Array): Array<[string, Uint8Array]> {
  const tbsAt = 4; // 30 82 hi lo | 30 82 hi lo (tbsCertificate)
  const out: Array<[string, Uint8Array]> = [];
  for (const d of [1, 2, 50, 199, 200]) out.push([`outer length lowered by ${d}`, adjustLength(der, 0, -d)]);
  out.push(['outer length raised by 1 (one trailing byte inside)', concatOne(adjustLength(der, 0, 1))]);
  out.push(['tbsCertificate length lowered by 1', adjustLength(der, tbsAt, -1)]);
  out.push(['tbsCertificate length raised by 1', adjustLength(der, tbsAt, 1)]);
  // An inner short length: the first AlgorithmIdentifier (30 0d 06 09 ... 05 00) written one short, so
  // the NULL's second byte falls outside its SEQUENCE.
  const algAt = indexOfSub(der, new Uint8Array([0x30, 0x0d, 0x06, 0x09]));
  const shortAlg = new Uint8Array(der);
  shortAlg[algAt + 1] = 0x0c;
  out.push(['inner (AlgorithmIdentifier) length lowered by 1', shortAlg]);
  out.push(['one trailing byte', concatOne(der)]);
  out.push(['trailing garbage (16 bytes)', new Uint8Array([...der, ...new Uint8Array(16).fill(0x41)])]);
  out.push(['long-form length for a value below 128 (AlgorithmIdentifier 30 81 0d)', withForm(der, (all) => all.find((n) => n.depth === 2 && n.node.constructed && !n.node.children!.some((c) => c.constructed))!.node, 'long-for-short')]);
  out.push(['long-form length for the serial number (02 81 nn)', withForm(der, (all) => all.find((n) => n.depth === 2 && n.node.id[0] === 0x02)!.node, 'long-for-short')]);
  out.push(['length with a leading zero octet (outer 30 83 00 hi lo)', withForm(der, (all) => all[0]!.node, 'leading-zero')]);
  out.push(['indefinite length (outer 30 80 ... 00 00)', withForm(der, (all) => all[0]!.node, 'indefinite')]);
  out.push(['indefinite length (validity 30 80)', withForm(der, (all) => all.filter((n) => n.depth === 2 && n.node.constructed)[2]!.node, 'indefinite')]);
  return out;
}

function concatOne(der: Uint8Array): Uint8Array {
  return new Uint8Array([...der, 0]);
}

function indexOfSub(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('not found');
}

t.test('the test certificates are strict DER and the tree re-encodes them byte for byte', async (t) => {
  for (const der of [serverDer, clientDer]) {
    t.doesNotThrow(() => checkStrictDer(der, 'certificate'));
    t.same([...encodeTree(parseTree(der))], [...der], 're-encoding is the identity');
    t.ok(parseCertificate(der).publicKeyBits > 0, 'parses');
  }
});

t.test('an outer SEQUENCE length lowered by 1..200 is a DecodeError every time', async (t) => {
  let refused = 0;
  for (let d = 1; d <= 200; d++) {
    try {
      parseCertificate(adjustLength(serverDer, 0, -d));
    } catch (e) {
      if (e instanceof DecodeError) refused++;
    }
  }
  t.equal(refused, 200, 'all 200 lowered lengths refused');
});

t.test('each non-canonical form is a DecodeError naming the defect', async (t) => {
  const fp = fingerprint(serverDer);
  for (const [name, bad] of forms(serverDer)) {
    t.not(fingerprint(bad), fp, `${name}: a different encoding (different fingerprint)`);
    t.throws(() => checkStrictDer(bad, 'Certificate'), DecodeError, `${name}: the strict check refuses it`);
    let err: unknown;
    try {
      parseCertificate(bad);
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof DecodeError, `${name}: parseCertificate throws DecodeError (${(err as Error | undefined)?.message})`);
    t.match((err as Error).message, /not DER|trailing|past its container|truncated/, `${name}: the message names the defect`);
  }
});

t.test('the walker bounds depth and refuses truncated headers', async (t) => {
  // 70 nested SEQUENCEs around a NULL, every length right: only the depth is wrong.
  let v = new Uint8Array([0x05, 0x00]);
  for (let i = 0; i < 70; i++) {
    const len = v.length < 128 ? [v.length] : [0x81, v.length];
    v = new Uint8Array([0x30, ...len, ...v]);
  }
  t.throws(() => checkStrictDer(v), /deeper than/);
  t.throws(() => checkStrictDer(new Uint8Array([0x30])), /truncated length/);
  t.throws(() => checkStrictDer(new Uint8Array([0x30, 0x82, 0x01])), /truncated length/);
  t.throws(() => checkStrictDer(new Uint8Array([0x30, 0x85, 1, 1, 1, 1, 1])), /5-octet length/);
  t.throws(() => checkStrictDer(new Uint8Array([0x1f, 0x05, 0x00])), /long form/);
  t.throws(() => checkStrictDer(new Uint8Array([])), /value expected/);
  t.doesNotThrow(() => checkStrictDer(new Uint8Array([0x1f, 0x1f, 0x00])), 'tag 31 in the long form is DER');
});

/** One handshake through a relay that rewrites the certificate in `direction`; returns what each side saw. */
async function throughRelay(t: Test, direction: 'fromClient' | 'fromServer', f: (der: Uint8Array) => Uint8Array) {
  const server = createServer({
    key: pki.keyPem,
    cert: pki.certPem,
    ca: pki.caPem,
    requestCert: true,
    rejectUnauthorized: true,
  });
  const serverErrors: Error[] = [];
  let secured = 0;
  server.on('tlsClientError', (e: Error) => serverErrors.push(e));
  server.on('secureConnection', (s) => {
    secured++;
    s.on('error', () => {});
    s.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const relay = await startRewriteRelay(t, (server.address() as { port: number }).port, direction, f);
  const client = connect({ port: relay.port, host: '127.0.0.1', servername: 'localhost', ca: pki.caPem, cert: pki.clientCertPem, key: pki.clientKeyPem });
  const [clientError] = (await Promise.race([once(client, 'error'), once(client, 'secureConnect').then(() => [new Error('handshake completed')])])) as [Error];
  client.destroy();
  for (let i = 0; i < 100 && (direction === 'fromClient' ? serverErrors.length === 0 : false); i++) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 50));
  return { relay, clientError, serverErrors, secured };
}

const WIRE_FORMS = (der: Uint8Array) => forms(der).filter(([n]) => /lowered by (1|200)$|tbsCertificate length lowered|leading zero|long-form length for a value|indefinite length \(outer|trailing garbage/.test(n));

t.test('a ut-tls server answers a non-canonical client certificate with bad_certificate', async (t) => {
  for (const [name, bad] of WIRE_FORMS(clientDer)) {
    await t.test(name, async (t) => {
      const { relay, clientError, serverErrors, secured } = await throughRelay(t, 'fromClient', () => bad);
      t.equal(relay.rewritten(), 1, 'the client certificate was replaced on the wire');
      t.equal(secured, 0, 'no secure connection');
      t.equal(serverErrors.length, 1, 'one tlsClientError on the server');
      const se = serverErrors[0] as Error & { alert?: number; cause?: unknown };
      t.equal(se?.alert, AlertDescription.bad_certificate, `server error is bad_certificate (${se?.message})`);
      t.ok(se?.cause instanceof DecodeError, 'caused by the DER decode error');
      t.same(fatalAlerts(relay.wire()[0]!.fromServer), [AlertDescription.bad_certificate], 'the server sent one fatal bad_certificate alert');
      t.equal((clientError as { code?: string }).code, 'ERR_TLS_ALERT_RECEIVED_BAD_CERTIFICATE', 'the client got it');
    });
  }
});

t.test('a ut-tls client answers a non-canonical server certificate with bad_certificate', async (t) => {
  for (const [name, bad] of WIRE_FORMS(serverDer)) {
    await t.test(name, async (t) => {
      const { relay, clientError } = await throughRelay(t, 'fromServer', () => bad);
      t.equal(relay.rewritten(), 1, 'the server certificate was replaced on the wire');
      const ce = clientError as Error & { alert?: number; cause?: unknown; code?: string };
      t.equal(ce.code, 'ERR_TLS_ALERT_BAD_CERTIFICATE', `client error: ${ce.message}`);
      t.ok(ce.cause instanceof DecodeError, 'caused by the DER decode error');
      t.same(fatalAlerts(relay.wire()[0]!.fromClient), [AlertDescription.bad_certificate], 'the client sent one fatal bad_certificate alert');
    });
  }
});
