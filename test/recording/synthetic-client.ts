/**
 * A synthetic TLS 1.0 client that opens with an SSLv2-compatible CLIENT-HELLO (RFC 2246 E.1).
 *
 * Nothing maintained sends that hello any more (OpenSSL and GnuTLS dropped it), so the transcript of
 * ut-tls answering one cannot come from a real peer: this small client, built on ut-tls's own
 * primitives (PRF, PKCS#1, record protection), plays the peer once at recording time. Its bytes are then
 * fixed in the transcript like any peer's. RSA key exchange only; it checks the server's Finished.
 * Runtime-neutral and in memory: `send` gets its bytes, `receive` takes the server's.
 */
import { finishedVerifyData, masterSecret } from '../../lib/crypto/prf.js';
import { createPureProvider } from '../../lib/crypto/pure.js';
import { seededRandom } from '../../lib/crypto/random.js';
import type { CryptoProvider, RsaPublicKey } from '../../lib/crypto/provider.js';
import { pkcs1Encrypt } from '../../lib/crypto/rsa.js';
import { deriveKeys } from '../../lib/engine/key-schedule.js';
import { decodeCertificate } from '../../lib/messages/certificate.js';
import { encodeRsaClientKeyExchange } from '../../lib/messages/client-key-exchange.js';
import { encodeHandshake } from '../../lib/messages/handshake.js';
import { decodeServerHello } from '../../lib/messages/server-hello.js';
import { HandshakeReassembler } from '../../lib/record/handshake-reassembler.js';
import { RecordProtection } from '../../lib/record/protection.js';
import { suiteById, type CipherSuite } from '../../lib/suites.js';
import { bytesEqual, concatBytes } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import type { KeyFiles } from '../../lib/replay/config.js';
import type { UtTlsConfig } from '../../lib/replay/format.js';
import { RecordingSession } from '../../lib/replay/recorder.js';
import { RecordSplitter } from '../../lib/replay/records.js';

/** SSL_CK_RC4_128_WITH_MD5: an SSLv2-only cipher kind, listed first as old clients did; a TLS server ignores it. */
const SSL2_CK_RC4_128_WITH_MD5 = [0x01, 0x00, 0x80];

export interface SyntheticClientOptions {
  provider: CryptoProvider;
  /** TLS suite ids offered as V2CipherSpecs {0x00, hi, lo}; RSA key exchange only. */
  suites: number[];
  /** Application data sent once the handshake is done; close_notify follows once it has come back. */
  message: Uint8Array;
  send: (bytes: Uint8Array) => void;
}

export class SyntheticSSLv2Client {
  done = false;
  error: string | null = null;
  readonly received: Uint8Array[] = [];
  private readonly splitter = new RecordSplitter(false);
  private readonly reassembler = new HandshakeReassembler();
  private readonly transcript: Uint8Array[] = [];
  private clientRandom: Uint8Array = new Uint8Array(32);
  private serverRandom: Uint8Array = new Uint8Array(32);
  private suite: CipherSuite | null = null;
  private serverKey: RsaPublicKey | null = null;
  private master: Uint8Array | null = null;
  private read: RecordProtection = RecordProtection.none();
  private write: RecordProtection = RecordProtection.none();
  private pendingRead: RecordProtection | null = null;

  constructor(private readonly options: SyntheticClientOptions) {}

  /** Sends the SSLv2-compatible CLIENT-HELLO: version {3,1}, no session id, a 32-byte challenge. */
  start(): void {
    const challenge = this.options.provider.random(32);
    const specs = [...SSL2_CK_RC4_128_WITH_MD5];
    for (const id of this.options.suites) specs.push(0x00, id >> 8, id & 0xff);
    const body = Uint8Array.from([0x01, 0x03, 0x01, specs.length >> 8, specs.length & 0xff, 0x00, 0x00, 0x00, 32, ...specs, ...challenge]);
    this.clientRandom = challenge; // 32 bytes: the random is the challenge itself (RFC 2246 E.1)
    this.transcript.push(body); // the hash covers the V2 message from msg_type on
    this.options.send(concatBytes(Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff), body));
  }

  receive(bytes: Uint8Array): void {
    for (const record of this.splitter.push(bytes)) {
      if (this.done) return;
      try {
        this.onRecord(record);
      } catch (err) {
        this.error = err instanceof Error ? err.message : String(err);
        this.done = true;
      }
    }
  }

  private onRecord(record: Uint8Array): void {
    const type = record[0]!;
    const version = (record[1]! << 8) | record[2]!;
    const plain = this.read.open({ type, version, fragment: record.subarray(5) });
    switch (type) {
      case 22:
        this.reassembler.push(plain);
        for (let m = this.reassembler.next(); m; m = this.reassembler.next()) this.onHandshake(m.type, m.body, m.raw);
        return;
      case 20:
        if (!this.pendingRead) throw new Error('ChangeCipherSpec before the keys exist');
        this.read = this.pendingRead;
        this.pendingRead = null;
        return;
      case 21:
        if (plain[1] === 0) {
          this.done = true;
          return;
        }
        throw new Error(`server sent alert ${plain[0]}/${plain[1]}`);
      case 23:
        this.received.push(plain.slice());
        if (concatBytes(...this.received).length >= this.options.message.length) {
          this.send(21, Uint8Array.of(1, 0)); // close_notify
        }
        return;
      default:
        throw new Error(`unexpected content type ${type}`);
    }
  }

  private onHandshake(type: number, body: Uint8Array, raw: Uint8Array): void {
    switch (type) {
      case 2: {
        const sh = decodeServerHello(body);
        this.serverRandom = sh.random;
        this.suite = suiteById(sh.cipherSuite) ?? null;
        if (!this.suite || this.suite.keyExchange !== 'RSA') throw new Error(`server chose suite 0x${sh.cipherSuite.toString(16)}, not an RSA suite`);
        break;
      }
      case 11: {
        const leaf = parseCertificate(decodeCertificate(body)[0]!);
        if (leaf.publicKey.algorithm !== 'rsa') throw new Error('server certificate has no RSA key');
        this.serverKey = leaf.publicKey.rsa;
        break;
      }
      case 14:
        this.transcript.push(raw);
        this.sendKeyExchange();
        return;
      case 20: {
        const h = concatBytes(...this.transcript);
        const p = this.options.provider;
        const expected = finishedVerifyData(this.master!, 'server finished', p.hash('md5', h), p.hash('sha1', h));
        if (!bytesEqual(expected, body)) throw new Error('server Finished does not verify');
        this.transcript.push(raw);
        this.send(23, this.options.message);
        return;
      }
      default:
        throw new Error(`unexpected handshake message ${type}`);
    }
    this.transcript.push(raw);
  }

  /** ClientKeyExchange, ChangeCipherSpec, Finished (RFC 2246 7.4.7.1, 7.4.9). */
  private sendKeyExchange(): void {
    const p = this.options.provider;
    const premaster = concatBytes(Uint8Array.of(3, 1), p.random(46));
    const cke = encodeHandshake(16, encodeRsaClientKeyExchange(pkcs1Encrypt(p, this.serverKey!, premaster)));
    this.transcript.push(cke);
    this.send(22, cke);
    this.master = masterSecret(premaster, this.clientRandom, this.serverRandom);
    const keys = deriveKeys(this.suite!, this.master, this.clientRandom, this.serverRandom);
    this.send(20, Uint8Array.of(1));
    this.write = RecordProtection.create(p, this.suite!, keys.client, 'seal');
    this.pendingRead = RecordProtection.create(p, this.suite!, keys.server, 'open');
    const h = concatBytes(...this.transcript);
    const finished = encodeHandshake(20, finishedVerifyData(this.master, 'client finished', p.hash('md5', h), p.hash('sha1', h)));
    this.transcript.push(finished);
    this.send(22, finished);
  }

  private send(type: number, fragment: Uint8Array): void {
    this.options.send(this.write.seal(type, 0x0301, fragment));
  }
}

/**
 * Records ut-tls's server (config) answering the synthetic client, in memory: deterministic end to end,
 * since both sides' randomness is seeded (the peer's with seededRandom(peerSeed)). The server echoes.
 */
export function recordSSLv2HelloSession(opts: { config: UtTlsConfig; keys: KeyFiles; peerSeed: string; suites: number[]; message: Uint8Array }): RecordingSession {
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const session = new RecordingSession({ config: opts.config, keys: opts.keys, script: { kind: 'echo' }, transport: (b) => toClient.push(b) });
  const client = new SyntheticSSLv2Client({
    provider: createPureProvider({ random: seededRandom(opts.peerSeed) }),
    suites: opts.suites,
    message: opts.message,
    send: (b) => toServer.push(b),
  });
  session.start();
  client.start();
  // One direction at a time (never re-entering the engine from its own output callback), until both are quiet.
  for (let round = 0; round < 100 && (toServer.length > 0 || toClient.length > 0); round++) {
    while (toServer.length > 0) session.peerBytes(toServer.shift()!);
    while (toClient.length > 0) client.receive(toClient.shift()!);
  }
  if (client.error) throw new Error(`synthetic SSLv2 client: ${client.error}`);
  return session;
}
