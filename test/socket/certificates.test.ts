/**
 * The certificate matrix on the wire (docs/certificates.md): each chain of a test PKI made here is
 * served by gnutls-serv and by our own server, and our client (connect()) must refuse it with Node's
 * code and the right fatal alert (which the server must have received), or accept it; with
 * rejectUnauthorized false the handshake completes and authorized / authorizationError tell the
 * verdict. Then: client certificates judged by our server (same code, clientAuth), node:tls's own
 * verdict on the same chains, and getPeerCertificate() against node:tls's.
 *
 * Keys are generated once and shared by every certificate of the same role; each peer process is
 * killed in its subtest's teardown.
 */
import t, { type Test } from 'tap';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertName } from '../../lib/alerts.js';
import { connect, createServer, type Server, type TLSSocket } from '../../lib/index.js';
import type { ClientSocketOptions, ServerSocketOptions } from '../../lib/socket/options.js';
import { pemEncode } from '../../lib/x509/pem.js';
import { createCertificate, generateRsaKey, type CertificateOptions, type TestCertificate } from '../helpers/testca.js';
import { runGnutlsClient, sleep, startGnutlsServer, type SpawnedPeer } from '../helpers/peers.js';

const BOUNDED = { timeout: 30_000 };
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const now = Date.now();

const dir = mkdtempSync(join(tmpdir(), 'ut-tls-certs-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function file(text: string): string {
  const p = join(dir, `f${files++}.pem`);
  writeFileSync(p, text, { mode: 0o600 });
  return p;
}

// ---------------------------------------------------------------------------------------------
// The PKI: one key per role, reused by every certificate of that role.

const [rootKey, interKey, leafKey, spareKey] = await Promise.all([1, 2, 3, 4].map(() => generateRsaKey(2048)));
const [key1024, key512] = await Promise.all([generateRsaKey(1024), generateRsaKey(512)]);
const by = (issuer: TestCertificate) => ({ cert: issuer.cert, key: issuer.key });

const root = await createCertificate({ key: rootKey!.key, subject: { O: 'ut-tls matrix', CN: 'matrix root' }, isCA: true });
const otherRoot = await createCertificate({ key: spareKey!.key, subject: { O: 'ut-tls matrix', CN: 'unrelated root' }, isCA: true });
const inter = await createCertificate({ key: interKey!.key, subject: { O: 'ut-tls matrix', CN: 'matrix intermediate' }, issuer: by(root), isCA: true });

/** A server leaf for localhost (and 127.0.0.1 unless told otherwise) below `issuer`. */
function leaf(opts: Partial<CertificateOptions> = {}, issuer: TestCertificate = inter): Promise<TestCertificate> {
  return createCertificate({
    key: leafKey!.key,
    subject: { O: 'ut-tls matrix', CN: 'localhost' },
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    extKeyUsage: ['serverAuth'],
    issuer: by(issuer),
    ...opts,
  });
}
function subCa(cn: string, issuer: TestCertificate, opts: Partial<CertificateOptions> = {}): Promise<TestCertificate> {
  return createCertificate({ key: spareKey!.key, subject: { O: 'ut-tls matrix', CN: cn }, issuer: by(issuer), isCA: true, ...opts });
}

const good = await leaf();
const badSignature: TestCertificate = (() => {
  const der = good.der.slice();
  der[der.length - 5]! ^= 0x01; // inside signatureValue: the name still links, the signature fails
  return { ...good, der, pem: pemEncode(der, 'CERTIFICATE') };
})();
const noCertSign = await subCa('CA without keyCertSign', root, { keyUsage: ['digitalSignature', 'cRLSign'] });
const eeIssuer = await createCertificate({ key: spareKey!.key, subject: { CN: 'end entity' }, issuer: by(inter) });
const caTrueLeaf = await createCertificate({ key: spareKey!.key, subject: { CN: 'leaf with CA:TRUE' }, issuer: by(inter), basicConstraints: { cA: true } });
const pathLen0 = await createCertificate({ key: interKey!.key, subject: { CN: 'pathlen 0 CA' }, issuer: by(root), isCA: true, pathLength: 0 });
const belowPathLen0 = await subCa('CA below pathlen 0', pathLen0);
const inter2 = await subCa('second intermediate', inter);
const clientAuthCa = await subCa('clientAuth-only CA', root, { extKeyUsage: ['clientAuth'] });
const inter1024 = await createCertificate({ key: key1024!.key, subject: { CN: '1024-bit intermediate' }, issuer: by(root), isCA: true });
const expiredInter = await createCertificate({
  key: interKey!.key,
  subject: { O: 'ut-tls matrix', CN: 'matrix intermediate' },
  issuer: by(root),
  isCA: true,
  notBefore: new Date(now - 30 * DAY),
  notAfter: new Date(now - DAY),
});

// ---------------------------------------------------------------------------------------------
// The matrix

interface Case {
  name: string;
  /** What the server sends, in this order; its key is chain[0]'s. */
  chain: TestCertificate[];
  /** Our client's options beyond host 127.0.0.1, servername localhost, ca root, AES-128. */
  client?: Partial<ClientSocketOptions>;
  /** null: authorized. */
  expect: { code: string; alert: number } | null;
  /** GnuTLS priority string when not TLS_RSA_WITH_AES_128_CBC_SHA. */
  gnutlsPriority?: string;
  /** Why gnutls-serv does not serve this case (then only our server does). */
  noGnutls?: string;
  /** node:tls's verdict on the same chain when it differs from ours (see docs/certificates.md). */
  node?: string;
}

const RSA_AES = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+RSA:-MAC-ALL:+SHA1:%COMPAT';
const DHE_AES = 'NORMAL:-VERS-ALL:+VERS-TLS1.0:-CIPHER-ALL:+AES-128-CBC:-KX-ALL:+DHE-RSA:-MAC-ALL:+SHA1:%COMPAT';
const E = (code: string, alert: number) => ({ code, alert });

const cases: Case[] = [
  { name: 'valid chain: root → intermediate → leaf', chain: [good, inter], expect: null },
  { name: 'expired leaf', chain: [await leaf({ notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }), inter], expect: E('CERT_HAS_EXPIRED', 45) },
  { name: 'leaf not yet valid', chain: [await leaf({ notBefore: new Date(now + DAY), notAfter: new Date(now + 30 * DAY) }), inter], expect: E('CERT_NOT_YET_VALID', 45) },
  { name: 'expired intermediate', chain: [await leaf({}, expiredInter), expiredInter], expect: E('CERT_HAS_EXPIRED', 45) },
  { name: 'wrong name', chain: [good, inter], client: { servername: 'presence.example.org' }, expect: E('ERR_TLS_CERT_ALTNAME_INVALID', 46) },
  { name: 'wildcard *.ap.example matches one label', chain: [await leaf({ dnsNames: ['*.ap.example'], ipAddresses: [] }), inter], client: { servername: 'xcap.ap.example' }, expect: null },
  { name: 'wildcard *.ap.example does not match two labels', chain: [await leaf({ dnsNames: ['*.ap.example'], ipAddresses: [] }), inter], client: { servername: 'a.xcap.ap.example' }, expect: E('ERR_TLS_CERT_ALTNAME_INVALID', 46) },
  {
    name: 'several identities (TS 33.141 Annex A): the second name matches',
    chain: [await leaf({ dnsNames: ['ap1.example.org', 'ap2.example.org'], ipAddresses: ['127.0.0.1'] }), inter],
    client: { servername: 'ap2.example.org' },
    expect: null,
  },
  { name: 'IP address host against iPAddress', chain: [good, inter], client: { servername: '' }, expect: null },
  { name: 'IP address host, certificate without iPAddress', chain: [await leaf({ ipAddresses: [] }), inter], client: { servername: '' }, expect: E('ERR_TLS_CERT_ALTNAME_INVALID', 46) },
  { name: 'self-signed leaf', chain: [await createCertificate({ key: leafKey!.key, subject: { CN: 'localhost' }, dnsNames: ['localhost'] })], expect: E('DEPTH_ZERO_SELF_SIGNED_CERT', 48) },
  { name: 'unknown CA (intermediate sent, root not trusted)', chain: [good, inter], client: { ca: otherRoot.pem }, expect: E('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 48) },
  { name: 'untrusted root sent in the chain', chain: [good, inter, root], client: { ca: otherRoot.pem }, expect: E('SELF_SIGNED_CERT_IN_CHAIN', 48) },
  { name: 'intermediate missing', chain: [good], expect: E('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 48) },
  { name: 'bad signature', chain: [badSignature, inter], expect: E('CERT_SIGNATURE_FAILURE', 42) },
  { name: 'CA without keyCertSign', chain: [await leaf({}, noCertSign), noCertSign], expect: E('KEYUSAGE_NO_CERTSIGN', 42), node: 'UNSPECIFIED' },
  { name: 'end-entity certificate misused as an issuer', chain: [await leaf({}, eeIssuer), eeIssuer, inter], expect: E('INVALID_CA', 42), node: 'UNSPECIFIED' },
  { name: 'leaf with CA:TRUE misused as an issuer', chain: [await leaf({}, caTrueLeaf), caTrueLeaf, inter], expect: E('KEYUSAGE_NO_CERTSIGN', 42), node: 'UNSPECIFIED' },
  { name: 'leaf with CA:TRUE as the server certificate', chain: [await leaf({ basicConstraints: { cA: true } }), inter], expect: null },
  { name: 'pathLenConstraint exceeded', chain: [await leaf({}, belowPathLen0), belowPathLen0, pathLen0], expect: E('PATH_LENGTH_EXCEEDED', 42) },
  { name: 'MD5-signed leaf', chain: [await leaf({ signatureHash: 'MD5' }), inter], expect: E('CA_MD_TOO_WEAK', 42), node: 'UNSPECIFIED' },
  // node:tls (OpenSSL 3 at security level 1) refuses SHA-1 signatures; the 3GPP profile needs them.
  { name: 'SHA-1-signed leaf, default allowSHA1Signatures', chain: [await leaf({ signatureHash: 'SHA-1' }), inter], expect: null, node: 'UNSPECIFIED' },
  { name: 'SHA-1-signed leaf, allowSHA1Signatures false', chain: [await leaf({ signatureHash: 'SHA-1' }), inter], client: { allowSHA1Signatures: false }, expect: E('CA_MD_TOO_WEAK', 42), node: 'UNSPECIFIED' },
  // OpenSSL's level 1 floor is 1024 bits; ours is 2048 by default.
  { name: '1024-bit leaf, default minRSABits 2048', chain: [await leaf({ key: key1024!.key }), inter], expect: E('EE_KEY_TOO_SMALL', 42), node: 'OK' },
  { name: '1024-bit leaf, minRSABits 1024 (legacy device)', chain: [await leaf({ key: key1024!.key }), inter], client: { minRSABits: 1024 }, expect: null },
  { name: '512-bit leaf, minRSABits 1024', chain: [await leaf({ key: key512!.key }), inter], client: { minRSABits: 1024 }, expect: E('EE_KEY_TOO_SMALL', 42), node: 'UNSPECIFIED' },
  { name: '1024-bit intermediate', chain: [await leaf({}, inter1024), inter1024], expect: E('CA_KEY_TOO_SMALL', 42), node: 'OK' },
  { name: 'leaf extendedKeyUsage clientAuth only', chain: [await leaf({ extKeyUsage: ['clientAuth'] }), inter], expect: E('INVALID_PURPOSE', 43) },
  // RFC 5280 4.2.1.12: anyExtendedKeyUsage allows any purpose (OpenSSL does not count it for TLS).
  { name: 'leaf extendedKeyUsage anyExtendedKeyUsage', chain: [await leaf({ extKeyUsage: ['anyExtendedKeyUsage'] }), inter], expect: null, node: 'INVALID_PURPOSE' },
  { name: 'intermediate extendedKeyUsage clientAuth only', chain: [await leaf({}, clientAuthCa), clientAuthCa], expect: E('INVALID_PURPOSE', 43) },
  // RFC 2246 7.4.2: RSA key exchange needs keyEncipherment (OpenSSL accepts any TLS key usage bit).
  {
    name: 'leaf keyUsage digitalSignature only, RSA key exchange',
    chain: [await leaf({ keyUsage: ['digitalSignature'] }), inter],
    expect: E('INVALID_PURPOSE', 43),
    node: 'OK',
    noGnutls: 'gnutls-serv will not use a signature-only key for RSA key exchange: it ends the handshake itself (checked below)',
  },
  {
    name: 'leaf keyUsage digitalSignature only, DHE_RSA key exchange',
    chain: [await leaf({ keyUsage: ['digitalSignature'] }), inter],
    client: { cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_CBC_SHA'] },
    gnutlsPriority: DHE_AES,
    expect: null,
  },
  {
    name: 'unknown critical extension',
    chain: [await leaf({ extraExtensions: [{ oid: '1.3.6.1.4.1.99999.1', critical: true, value: new Uint8Array([0x05, 0x00]) }] }), inter],
    expect: E('UNHANDLED_CRITICAL_EXTENSION', 43),
    node: 'UNSPECIFIED',
  },
  {
    name: 'chain sent out of order (leaf, intermediate, second intermediate)',
    chain: [await leaf({}, inter2), inter, inter2],
    expect: null,
    noGnutls: 'gnutls-serv sorts the chain it loads (checked below), so only our server sends it out of order',
  },
];

// ---------------------------------------------------------------------------------------------
// Peers

type CodedError = Error & { code?: string; alert?: number };
type Outcome =
  | { ok: true; authorized: boolean; authorizationError: string | null; peerCertificates: Uint8Array[]; socket: TLSSocket }
  | { ok: false; code: string | undefined; alert: number | undefined };

function clientOptions(port: number, c: Case, extra: Partial<ClientSocketOptions> = {}): ClientSocketOptions {
  return { host: '127.0.0.1', port, servername: 'localhost', ca: root.pem, cipherSuites: ['TLS_RSA_WITH_AES_128_CBC_SHA'], handshakeTimeout: 10_000, ...c.client, ...extra };
}

/** Our client: the handshake's outcome (the socket is destroyed right after a success). */
function attempt(opts: ClientSocketOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(opts);
    socket.on('error', (err: CodedError) => resolve({ ok: false, code: err.code, alert: err.alert }));
    socket.once('secureConnect', () => {
      resolve({ ok: true, authorized: socket.authorized, authorizationError: socket.authorizationError, peerCertificates: [...socket.connection.peerCertificates], socket });
      socket.destroy();
    });
  });
}

/** Polls `read` until it matches (bounded): a peer logs what it received a moment after we sent it. */
async function eventually(read: () => string, pattern: RegExp, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!pattern.test(read())) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

async function ourServer(t: Test, opts: ServerSocketOptions): Promise<{ server: Server; port: number; clientErrors: CodedError[] }> {
  // strictIdentity false: the matrix serves out-of-order chains and unfit keyUsage on purpose.
  const server = createServer({ strictIdentity: false, ...opts }, (s) => {
    s.on('error', () => {});
    s.end();
  });
  const clientErrors: CodedError[] = [];
  server.on('tlsClientError', (err: CodedError) => clientErrors.push(err));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return { server, port: (server.address() as { port: number }).port, clientErrors };
}

function serverError(errors: CodedError[], ms = 3000): Promise<CodedError | undefined> {
  return eventually(() => (errors.length ? 'x' : ''), /x/, ms).then(() => errors[0]);
}

const receivedCode = (alert: number) => `ERR_TLS_ALERT_RECEIVED_${alertName(alert).toUpperCase()}`;

/** Both connections (rejectUnauthorized true, then false) against one server, asserted. */
async function checkClient(t: Test, c: Case, port: number, heard: (alert: number) => Promise<boolean>): Promise<Outcome> {
  const strict = await attempt(clientOptions(port, c));
  if (c.expect === null) {
    t.match(strict, { ok: true, authorized: true, authorizationError: null }, 'authorized');
    return strict;
  }
  t.match(strict, { ok: false, code: c.expect.code, alert: c.expect.alert }, `refused: ${c.expect.code}, alert ${c.expect.alert} sent`);
  t.ok(await heard(c.expect.alert), `the server received fatal alert ${c.expect.alert} (${alertName(c.expect.alert)})`);
  const lenient = await attempt(clientOptions(port, c, { rejectUnauthorized: false }));
  t.match(lenient, { ok: true, authorized: false, authorizationError: c.expect.code }, 'rejectUnauthorized false: connected, authorizationError set');
  return strict;
}

// ---------------------------------------------------------------------------------------------

t.test('each chain served by gnutls-serv', BOUNDED, async (t) => {
  for (const c of cases) {
    if (c.noGnutls) continue;
    await t.test(c.name, async (t) => {
      const peer: SpawnedPeer = await startGnutlsServer(t, {
        certFile: file(c.chain.map((x) => x.pem).join('')),
        keyFile: file(c.chain[0]!.keyPem),
        priority: c.gnutlsPriority ?? RSA_AES,
        // Debug level 5 logs each record, so the alert we sent shows as "Alert[2|n]".
        extraArgs: ['-d', '5'],
      });
      const outcome = await checkClient(t, c, peer.port, (alert) => eventually(peer.stderr, new RegExp(`Alert\\[2\\|${alert}\\] - .* - was received`)));
      if (outcome.ok) t.same(outcome.peerCertificates, c.chain.map((x) => x.der), 'gnutls-serv sent the chain as loaded');
    });
  }
});

t.test('each chain served by our server', BOUNDED, async (t) => {
  for (const c of cases) {
    await t.test(c.name, async (t) => {
      const { port, clientErrors } = await ourServer(t, {
        key: c.chain[0]!.keyPem,
        cert: c.chain.map((x) => x.pem).join(''),
        ...(c.client?.cipherSuites ? { cipherSuites: c.client.cipherSuites } : {}),
      });
      const outcome = await checkClient(t, c, port, async (alert) => {
        const err = await serverError(clientErrors);
        return err?.code === receivedCode(alert) && err.alert === alert;
      });
      if (outcome.ok) t.same(outcome.peerCertificates, c.chain.map((x) => x.der), 'the chain went out in the order configured');
    });
  }
});

t.test('what gnutls-serv does with the chains only our server sends as they are', BOUNDED, async (t) => {
  const start = (c: Case) => startGnutlsServer(t, { certFile: file(c.chain.map((x) => x.pem).join('')), keyFile: file(c.chain[0]!.keyPem), priority: RSA_AES });
  const outOfOrder = cases.find((x) => x.name.startsWith('chain sent out of order'))!;
  const sorted = await attempt(clientOptions((await start(outOfOrder)).port, outOfOrder));
  t.match(sorted, { ok: true, authorized: true });
  const [l, i1, i2] = outOfOrder.chain.map((x) => x.der);
  if (sorted.ok) t.same(sorted.peerCertificates, [l, i2, i1], 'it sorts the chain: leaf, second intermediate, intermediate');
  const signOnly = cases.find((x) => x.name === 'leaf keyUsage digitalSignature only, RSA key exchange')!;
  const refused = await attempt(clientOptions((await start(signOnly)).port, signOnly));
  t.match(refused, { ok: false, code: 'ERR_TLS_ALERT_RECEIVED_HANDSHAKE_FAILURE', alert: 40 }, 'it refuses RSA key exchange with a signature-only key');
});

// ---------------------------------------------------------------------------------------------
// Client certificates (TS 33.141 6.1.4): the server judges them with the same code, for clientAuth.

t.test('client certificates judged by our server', BOUNDED, async (t) => {
  const clientLeaf = (opts: Partial<CertificateOptions> = {}, issuer: TestCertificate = inter) =>
    createCertificate({ key: spareKey!.key, subject: { CN: 'ue.example.org' }, extKeyUsage: ['clientAuth'], issuer: by(issuer), ...opts });
  const serverChain = good.pem + inter.pem;
  const goodClient = await clientLeaf();
  const clientCases: { name: string; cert: TestCertificate[]; server?: Partial<ServerSocketOptions>; expect: { code: string; alert: number } | null }[] = [
    { name: 'valid client certificate', cert: [goodClient, inter], expect: null },
    { name: 'serverAuth-only certificate as a client certificate', cert: [await clientLeaf({ extKeyUsage: ['serverAuth'] }), inter], expect: E('INVALID_PURPOSE', 43) },
    { name: 'client certificate without digitalSignature', cert: [await clientLeaf({ keyUsage: ['keyEncipherment'] }), inter], expect: E('INVALID_PURPOSE', 43) },
    { name: 'expired client certificate', cert: [await clientLeaf({ notBefore: new Date(now - 30 * DAY), notAfter: new Date(now - DAY) }), inter], expect: E('CERT_HAS_EXPIRED', 45) },
    { name: 'client certificate from an unknown CA', cert: [await clientLeaf({}, otherRoot)], expect: E('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 48) },
    { name: '1024-bit client key, default minRSABits', cert: [await clientLeaf({ key: key1024!.key }), inter], expect: E('EE_KEY_TOO_SMALL', 42) },
    { name: '1024-bit client key, server minRSABits 1024', cert: [await clientLeaf({ key: key1024!.key }), inter], server: { minRSABits: 1024 }, expect: null },
  ];
  for (const c of clientCases) {
    await t.test(c.name, async (t) => {
      const authorizations: { authorized: boolean; authorizationError: string | null }[] = [];
      const start = async (rejectUnauthorized: boolean) => {
        const s = await ourServer(t, { key: good.keyPem, cert: serverChain, ca: root.pem, requestCert: true, rejectUnauthorized, ...c.server });
        s.server.on('secureConnection', (sock: TLSSocket) => authorizations.push({ authorized: sock.authorized, authorizationError: sock.authorizationError }));
        return s;
      };
      const strict = await start(true);
      const opts = { host: '127.0.0.1', port: strict.port, servername: 'localhost', ca: root.pem, key: c.cert[0]!.keyPem, cert: c.cert.map((x) => x.pem).join(''), strictIdentity: false };
      const outcome = await attempt(opts);
      if (c.expect === null) {
        t.match(outcome, { ok: true, authorized: true });
        await eventually(() => String(authorizations.length), /1/);
        t.same(authorizations, [{ authorized: true, authorizationError: null }], 'the server authorized the client');
        return;
      }
      const err = await serverError(strict.clientErrors);
      t.match(err, { code: c.expect.code, alert: c.expect.alert }, `server refused: ${c.expect.code}, alert ${c.expect.alert}`);
      t.match(outcome, { ok: false, code: receivedCode(c.expect.alert), alert: c.expect.alert }, 'the client received the alert');
      const lenient = await start(false);
      const accepted = await attempt({ ...opts, port: lenient.port });
      t.match(accepted, { ok: true, authorized: true }, 'rejectUnauthorized false on the server: the handshake completes');
      await eventually(() => String(authorizations.length), /1/);
      t.same(authorizations, [{ authorized: false, authorizationError: c.expect.code }], 'and the server socket tells why');
    });
  }
});

t.test('gnutls-cli with a client certificate against our server', BOUNDED, async (t) => {
  const caFile = file(root.pem);
  const ueCert = await createCertificate({ key: spareKey!.key, subject: { CN: 'ue.example.org' }, extKeyUsage: ['clientAuth'], issuer: by(inter) });
  const wrong = await createCertificate({ key: spareKey!.key, subject: { CN: 'ue.example.org' }, extKeyUsage: ['serverAuth'], issuer: by(inter) });
  const { server, port, clientErrors } = await ourServer(t, { key: good.keyPem, cert: good.pem + inter.pem, ca: root.pem, requestCert: true });
  const seen: (string | null)[] = [];
  server.on('secureConnection', (s: TLSSocket) => seen.push(s.authorized ? 'authorized' : s.authorizationError));
  const gc = (cert: TestCertificate) =>
    runGnutlsClient(t, {
      port,
      caFile,
      priority: RSA_AES,
      input: 'x',
      extraArgs: ['--x509certfile', file(cert.pem + inter.pem), '--x509keyfile', file(cert.keyPem), '--sni-hostname', 'localhost', '--verify-hostname', 'localhost'],
    });
  const ok = await gc(ueCert);
  t.equal(ok.code, 0, 'gnutls-cli connected');
  t.match(ok.stdout + ok.stderr, /Successfully sent 2 certificate\(s\) to server/, 'and sent its chain');
  t.same(seen, ['authorized'], 'our server authorized the gnutls client certificate');
  const refused = await gc(wrong);
  t.not(refused.code, 0, 'gnutls-cli was refused');
  t.match(`${refused.stdout}${refused.stderr}`, /\*\*\* Received alert \[43\]/, 'gnutls-cli received unsupported_certificate (43)');
  const err = await serverError(clientErrors);
  t.match(err, { code: 'INVALID_PURPOSE', alert: 43 }, 'our server refused it for clientAuth with unsupported_certificate');
});

// ---------------------------------------------------------------------------------------------
// node:tls on the same chains

/** A node:tls server for the chain (security level 0 so it loads weak keys and talks TLS 1.0 too). */
async function nodeServer(t: Test, chain: TestCertificate[]): Promise<number> {
  const server = tls.createServer({
    key: chain[0]!.keyPem,
    cert: chain.map((x) => x.pem).join(''),
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT:AES128-SHA:DHE-RSA-AES128-SHA@SECLEVEL=0',
    dhparam: 'auto',
  }, (s) => {
    s.on('error', () => {});
    s.end();
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as { port: number }).port;
}

/**
 * node:tls client at its default security level, with the key exchange the case uses (TLS 1.2: at
 * level 1 OpenSSL 3 will not sign DHE parameters with TLS 1.0's MD5+SHA-1): 'OK' or error.code.
 */
function nodeVerdict(port: number, c: Case): Promise<string> {
  const servername = c.client?.servername === '' ? undefined : (c.client?.servername ?? 'localhost');
  return new Promise((resolve) => {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      ...(servername ? { servername } : {}),
      ca: (c.client?.ca as string | undefined) ?? root.pem,
      maxVersion: 'TLSv1.2',
      ciphers: c.client?.cipherSuites ? 'DHE-RSA-AES128-SHA' : 'AES128-SHA',
    });
    s.on('error', (err: CodedError) => resolve(err.code ?? err.message));
    s.once('secureConnect', () => {
      resolve('OK');
      s.destroy();
    });
  });
}

t.test("node:tls's code for the same chains (connect to a node:tls server serving each)", BOUNDED, async (t) => {
  for (const c of cases) {
    const port = await nodeServer(t, c.chain);
    const ours = await attempt(clientOptions(port, c));
    const node = await nodeVerdict(port, c);
    const oursCode = ours.ok ? 'OK' : ours.code;
    t.equal(oursCode, c.expect?.code ?? 'OK', `${c.name}: ours against node:tls's server`);
    t.equal(node, c.node ?? oursCode, `${c.name}: node:tls says ${node}${c.node ? ' (a documented difference)' : ''}`);
  }
});

// ---------------------------------------------------------------------------------------------
// getPeerCertificate() against node:tls's

const SHAPE_KEYS = ['subject', 'issuer', 'subjectaltname', 'ca', 'modulus', 'bits', 'exponent', 'pubkey', 'valid_from', 'valid_to', 'fingerprint', 'fingerprint256', 'fingerprint512', 'ext_key_usage', 'serialNumber', 'raw'];

function plain(cert: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SHAPE_KEYS) {
    const v = cert[k];
    if (v === undefined) continue;
    out[k] = Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'object' && v !== null && !Array.isArray(v) ? { ...v } : v;
  }
  return out;
}

/** The detailed certificate as a list (leaf first), and whether the last one is its own issuer. */
function unchain(cert: Record<string, unknown>): { list: Record<string, unknown>[]; selfLinked: boolean } {
  const list: Record<string, unknown>[] = [];
  let c: Record<string, unknown> | undefined = cert;
  while (c && list.length < 10) {
    list.push(plain(c));
    const next = c['issuerCertificate'] as Record<string, unknown> | undefined;
    if (next === c) return { list, selfLinked: true };
    c = next;
  }
  return { list, selfLinked: false };
}

async function peerCertificates(port: number, detailed: boolean): Promise<{ ours: Record<string, unknown>; node: Record<string, unknown> }> {
  const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: root.pem, cipherSuites: 'AES128-SHA' });
  await once(s, 'secureConnect');
  const ours = s.getPeerCertificate(detailed) as unknown as Record<string, unknown>;
  s.destroy();
  const n = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: root.pem });
  await once(n, 'secureConnect');
  const node = n.getPeerCertificate(detailed) as unknown as Record<string, unknown>;
  n.destroy();
  return { ours, node };
}

t.test('getPeerCertificate() has node:tls shape and values, detailed chains included', BOUNDED, async (t) => {
  const port = await nodeServer(t, [good, inter]);
  const plainOnes = await peerCertificates(port, false);
  t.same(plain(plainOnes.ours), plain(plainOnes.node), 'the leaf, field by field');
  t.same(Object.keys(plainOnes.ours), Object.keys(plainOnes.node), 'the same keys in the same order');
  t.equal(plainOnes.ours['issuerCertificate'], undefined, 'no issuer link unless detailed');
  const detailed = await peerCertificates(port, true);
  const ours = unchain(detailed.ours);
  const node = unchain(detailed.node);
  t.equal(ours.list.length, 3, 'leaf, intermediate and the root from ca');
  t.same(ours, node, 'the whole detailed chain equals node:tls');

  // Sent out of order: both show issuer order.
  const c = cases.find((x) => x.name.startsWith('chain sent out of order'))!;
  const port2 = await nodeServer(t, c.chain);
  const d2 = await peerCertificates(port2, true);
  const ours2 = unchain(d2.ours);
  t.same(ours2.list.map((x) => (x['subject'] as Record<string, string>)['CN']), ['localhost', 'second intermediate', 'matrix intermediate', 'matrix root'], 'issuer order, root added');
  t.equal(ours2.selfLinked, true);
  // node:tls (20) stops early here: its issuer search (AddIssuerChainToObject) ends when the issuer
  // found was the last certificate left. What it does show is the same as ours.
  const node2 = unchain(d2.node).list;
  t.ok(node2.length >= 2, `node:tls shows ${node2.length} certificates`);
  t.same(ours2.list.slice(0, node2.length), node2, 'node:tls shows a prefix of our chain');
});

t.test('checkServerIdentity: node:tls\'s own function works on our certificate objects', BOUNDED, async (t) => {
  const port = await nodeServer(t, [good, inter]);
  const seen: string[] = [];
  const ok = await attempt({
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    ca: root.pem,
    cipherSuites: 'AES128-SHA',
    checkServerIdentity: (host, cert) => {
      const chain = unchain(cert as unknown as Record<string, unknown>).list.map((x) => (x['subject'] as Record<string, string>)['CN']);
      seen.push(`${host}: ${chain.join(' < ')}`);
      return tls.checkServerIdentity(host, cert as unknown as tls.PeerCertificate);
    },
  });
  t.match(ok, { ok: true, authorized: true });
  t.same(seen, ['localhost: localhost < matrix intermediate < matrix root'], 'the hook gets the detailed certificate, as in node:tls');
  const wrong = await attempt({ host: '127.0.0.1', port, servername: 'elsewhere.example', ca: root.pem, cipherSuites: 'AES128-SHA', checkServerIdentity: tls.checkServerIdentity as never });
  t.match(wrong, { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID', alert: 46 });
});

// ---------------------------------------------------------------------------------------------
// Options

t.test('the clock (now) decides validity on the wire too', BOUNDED, async (t) => {
  const { port } = await ourServer(t, { key: good.keyPem, cert: good.pem + inter.pem });
  const base = { host: '127.0.0.1', port, servername: 'localhost', ca: root.pem };
  const later = good.cert.notAfter.getTime() + 1000;
  t.match(await attempt({ ...base, now: () => later }), { ok: false, code: 'CERT_HAS_EXPIRED', alert: 45 }, 'after notAfter');
  const earlier = good.cert.notBefore.getTime() - 1000;
  t.match(await attempt({ ...base, now: () => earlier }), { ok: false, code: 'CERT_NOT_YET_VALID', alert: 45 }, 'before notBefore');
  t.match(await attempt(base), { ok: true, authorized: true }, 'now');
});

t.test("without ca the client trusts Node's root store, which does not know the test root", BOUNDED, async (t) => {
  const { port } = await ourServer(t, { key: good.keyPem, cert: good.pem + inter.pem });
  t.ok(tls.rootCertificates.length > 50, `${tls.rootCertificates.length} bundled roots`);
  t.match(await attempt({ host: '127.0.0.1', port, servername: 'localhost' }), { ok: false, code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', alert: 48 });
  const lenient = await attempt({ host: '127.0.0.1', port, servername: 'localhost', rejectUnauthorized: false });
  t.match(lenient, { ok: true, authorized: false, authorizationError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
});

t.test('minRSABits and allowSHA1Signatures are checked when the options are read', async (t) => {
  for (const bad of [0, 1.5, -1, 20000, '2048', Number.NaN]) {
    t.throws(() => connect({ port: 1, minRSABits: bad as number }), { code: 'ERR_TLS_INVALID_CONFIG', message: /minRSABits/ }, `minRSABits ${String(bad)}`);
  }
  t.throws(() => connect({ port: 1, allowSHA1Signatures: 'no' as unknown as boolean }), { code: 'ERR_TLS_INVALID_CONFIG', message: /allowSHA1Signatures/ });
  t.throws(() => createServer({ key: good.keyPem, cert: good.pem, minRSABits: 0 }), { code: 'ERR_TLS_INVALID_CONFIG', message: /minRSABits/ });
});
