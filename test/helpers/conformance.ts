/**
 * A scripted TLS 1.0 client in the manner of tlsfuzzer (generators and expectations), driving a lone
 * server Connection in memory. Every message it sends can be built wrongly on purpose: fuzzed bytes,
 * wrong lengths, bad padding or MAC, messages skipped, duplicated or interleaved. It keeps its own
 * record layer for writing (so padding and MAC can be chosen freely) and reads the server with the
 * library's record layer.
 *
 * Names follow tlsfuzzer's where they map: hello() is ClientHelloGenerator, keyExchange() is
 * ClientKeyExchangeGenerator, readServer() collects what ExpectServerHello/ExpectCertificate/... see.
 */
import { AlertDescription, AlertLevel } from '../../lib/alerts.js';
import { bytesToBigInt } from '../../lib/crypto/bigint.js';
import { dhSharedSecret, generateDhKeyPair, validateDhParams } from '../../lib/crypto/dh.js';
import { nativeProvider } from '../../lib/crypto/native.js';
import { extendedMasterSecret, finishedVerifyData, masterSecret } from '../../lib/crypto/prf.js';
import type { BulkCipher, CryptoProvider, Mac, RsaPrivateKey, RsaPublicKey } from '../../lib/crypto/provider.js';
import { pkcs1Encrypt, signTls } from '../../lib/crypto/rsa.js';
import { Connection } from '../../lib/engine/connection.js';
import { namedFfdheGroup } from '../../lib/engine/key-exchange/ffdhe-groups.js';
import { deriveKeys, type ConnectionKeys } from '../../lib/engine/key-schedule.js';
import type { ServerEngineOptions, SessionData } from '../../lib/engine/types.js';
import type { TLSAlertError } from '../../lib/errors.js';
import { decodeCertificate, encodeCertificate } from '../../lib/messages/certificate.js';
import { encodeClientHello, type ClientHello } from '../../lib/messages/client-hello.js';
import { decodeDheServerKeyExchange } from '../../lib/messages/server-key-exchange.js';
import { decodeServerHello, type ServerHello } from '../../lib/messages/server-hello.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { ContentType } from '../../lib/record/constants.js';
import { RecordReader, encodeRecord } from '../../lib/record/framing.js';
import { HandshakeReassembler } from '../../lib/record/handshake-reassembler.js';
import { RecordProtection } from '../../lib/record/protection.js';
import { cipherInfo, macInfo, suiteById, type CipherSuite } from '../../lib/suites.js';
import { ByteWriter, concatBytes } from '../../lib/util/bytes.js';
import { parseCertificate } from '../../lib/x509/certificate.js';
import { recordingSide, sharedPki, type Side } from './engine-pair.js';

export { AlertDescription, AlertLevel, ContentType, HandshakeType };

export const SUITE = {
  RSA_AES_128: 0x002f,
  RSA_AES_256: 0x0035,
  RSA_3DES: 0x000a,
  RSA_RC4_SHA: 0x0005,
  DHE_RSA_AES_128: 0x0033,
  DHE_RSA_AES_256: 0x0039,
  RSA_NULL_SHA: 0x0002,
  // Not TLS 1.0 suites (ECDHE, TLS 1.2 only): the scripts list them; a TLS 1.0 server passes over them.
  ECDHE_RSA_AES_128: 0xc013,
  RSA_AES_256_GCM_SHA384: 0x009d,
  DHE_RSA_AES_128_GCM_SHA256: 0x009e,
  DHE_RSA_AES_128_SHA256: 0x0067,
  SCSV: 0x00ff,
  FALLBACK_SCSV: 0x5600,
} as const;

export const EXT = {
  server_name: 0,
  max_fragment_length: 1,
  status_request: 5,
  supported_groups: 10,
  heartbeat: 15,
  alpn: 16,
  padding: 21,
  encrypt_then_mac: 22,
  extended_master_secret: 23,
  session_ticket: 35,
  renegotiation_info: 0xff01,
} as const;

/** An empty renegotiation_info extension (RFC 5746 initial handshake). */
export const RENEGO_EXT = { type: EXT.renegotiation_info, data: Uint8Array.of(0) };

// ---- the server under test ----------------------------------------------------------------------

/**
 * The server under test: the shared harness (engine-pair.ts recordingSide), with the names the
 * conformance tests read: `pending` is the harness's queue (output not yet read by the client) and
 * `data` its received application data (the same arrays).
 */
export type ServerUnderTest = Side & { pending: Uint8Array[]; data: Uint8Array[] };

/**
 * What the scripted client talks to: something that takes its bytes (`conn.receive`) and a queue of
 * the server's bytes not yet read. A lone in-memory Connection (ServerUnderTest) or a TCP connection
 * to a real `ut-tls server` process (conformance-wire.ts).
 */
export interface ScriptedTransport {
  conn: { receive(bytes: Uint8Array): void };
  pending: Uint8Array[];
}

/** A server Connection alone (native provider for speed), with everything it does recorded. */
export async function startServer(options: Partial<ServerEngineOptions> = {}): Promise<ServerUnderTest> {
  const pki = await sharedPki();
  const s = recordingSide(
    (events) => new Connection({ isServer: true, certificateChain: pki.chain, privateKey: pki.server.key, provider: nativeProvider, ...options }, events),
  );
  return Object.assign(s, { pending: s.queue, data: s.received });
}

/** The alert the server failed with (what it sent), or undefined. */
export function serverAlert(s: ServerUnderTest): number | undefined {
  return (s.errors[0] as TLSAlertError | undefined)?.alert;
}

// ---- what the client sees ------------------------------------------------------------------------

export type ServerEvent =
  | { kind: 'handshake'; type: number; body: Uint8Array; raw: Uint8Array }
  | { kind: 'ccs' }
  | { kind: 'alert'; level: number; description: number }
  | { kind: 'data'; data: Uint8Array };

/** A compact trace for assertions: "hs:2 hs:11 hs:14 ccs hs:20 alert:2/10 data:5". */
export function trace(events: readonly ServerEvent[]): string {
  return events
    .map((e) => {
      switch (e.kind) {
        case 'handshake':
          return `hs:${e.type}`;
        case 'ccs':
          return 'ccs';
        case 'alert':
          return `alert:${e.level}/${e.description}`;
        case 'data':
          return `data:${e.data.length}`;
      }
    })
    .join(' ');
}

// ---- the client's own write side, with every knob tlsfuzzer has ---------------------------------

export interface SealOptions {
  /** Record version on the wire (default 3.1). */
  version?: number;
  /** Total CBC padding length byte value (padding bytes = padLength + 1). Default: minimal. */
  padLength?: number;
  /** XOR into the padding block (content || MAC || padding): position from the end (-1 = padding_length byte). */
  padXor?: [number, number];
  /** XOR into the MAC: position from the end of the MAC (-1 = last MAC byte). */
  macXor?: [number, number];
  /** Replace the whole plaintext (content || MAC || padding) before encryption (fuzz/replace_plaintext). */
  replacePlaintext?: Uint8Array;
  /** Overwrite bytes of the plaintext block (content || MAC || padding), position from the end. */
  plaintextSubstitutions?: ReadonlyMap<number, number>;
  /** XOR into the ciphertext: position from the end. */
  cipherXor?: [number, number];
}

export interface HandshakeSendOptions {
  /** Add the message to the transcript (default true). */
  transcript?: boolean;
  /** Largest record payload (default 2^14): tlsfuzzer's SetMaxRecordSize. */
  fragment?: number;
  /** Size of the first record only (tlsfuzzer's split_message). */
  firstFragment?: number;
  /** The encoded message (header included) to send instead of type + body. */
  raw?: Uint8Array;
  seal?: SealOptions;
  /** Called after the first record is sent and before the next is sealed (interleaving other records). */
  between?: () => void;
}

class ClientWriteState {
  private seq = 0n;
  private readonly cipher: BulkCipher | null;
  private readonly mac: Mac | null;
  readonly blockSize: number;
  readonly macLength: number;

  /** encryptThenMac: RFC 7366 records (block ciphers only; the caller decides as the server agreed). */
  constructor(
    provider: CryptoProvider,
    suite: CipherSuite,
    keys: ConnectionKeys['client'],
    private readonly encryptThenMac = false,
  ) {
    const c = cipherInfo(suite);
    const m = macInfo(suite);
    this.cipher = c.provider === null ? null : provider.createCipher(c.provider, keys.key, c.type === 'block' ? keys.iv : null, true);
    this.mac = m.hash === null ? null : provider.createMac(m.hash, keys.macKey);
    this.blockSize = c.type === 'block' ? c.blockSize : 0;
    this.macLength = m.length;
  }

  seal(type: number, content: Uint8Array, o: SealOptions = {}): Uint8Array {
    const version = o.version ?? 0x0301;
    const seq = new Uint8Array(8);
    new DataView(seq.buffer).setBigUint64(0, this.seq);
    const header = concatBytes(seq, new ByteWriter().u8(type).u16(version).u16(content.length).finish());
    this.seq++;
    if (this.encryptThenMac) return this.sealEncryptThenMac(seq, type, version, content, o);
    const tag = this.mac ? this.mac.mac(header, content) : new Uint8Array(0);
    if (o.macXor) tag[tag.length + o.macXor[0]]! ^= o.macXor[1];
    let padding = new Uint8Array(0);
    if (this.blockSize > 0) {
      const bs = this.blockSize;
      const min = (bs - ((content.length + tag.length + 1) % bs)) % bs;
      const padLength = o.padLength ?? min;
      if ((content.length + tag.length + padLength + 1) % bs !== 0) throw new RangeError(`padLength ${padLength} does not align`);
      padding = new Uint8Array(padLength + 1).fill(padLength);
    }
    let plain = concatBytes(content, tag, padding);
    if (o.padXor) plain[plain.length + o.padXor[0]]! ^= o.padXor[1];
    if (o.plaintextSubstitutions) for (const [pos, val] of o.plaintextSubstitutions) plain[plain.length + pos] = val;
    if (o.replacePlaintext) plain = o.replacePlaintext.slice();
    const fragment = this.cipher ? this.cipher.update(plain) : plain;
    if (o.cipherXor) fragment[fragment.length + o.cipherXor[0]]! ^= o.cipherXor[1];
    return encodeRecord(type, version, fragment);
  }

  /** RFC 7366 3: ENC(content || padding), then HMAC(seq || type || version || length || ciphertext) after it. */
  private sealEncryptThenMac(seq: Uint8Array, type: number, version: number, content: Uint8Array, o: SealOptions): Uint8Array {
    const bs = this.blockSize;
    const min = (bs - ((content.length + 1) % bs)) % bs;
    const padLength = o.padLength ?? min;
    if ((content.length + padLength + 1) % bs !== 0) throw new RangeError(`padLength ${padLength} does not align`);
    let plain = concatBytes(content, new Uint8Array(padLength + 1).fill(padLength));
    if (o.padXor) plain[plain.length + o.padXor[0]]! ^= o.padXor[1];
    if (o.replacePlaintext) plain = o.replacePlaintext.slice();
    const ciphertext = this.cipher!.update(plain);
    if (o.cipherXor) ciphertext[ciphertext.length + o.cipherXor[0]]! ^= o.cipherXor[1];
    const header = concatBytes(seq, new ByteWriter().u8(type).u16(version).u16(ciphertext.length).finish());
    const tag = this.mac!.mac(header, ciphertext);
    if (o.macXor) tag[tag.length + o.macXor[0]]! ^= o.macXor[1];
    return encodeRecord(type, version, concatBytes(ciphertext, tag));
  }
}

// ---- the scripted client -------------------------------------------------------------------------

export interface KeyExchangeOptions {
  /** The 48-byte premaster to encrypt (RSA); default client_version || 46 random bytes. */
  premaster?: Uint8Array;
  /** Version bytes in a default premaster (default the ClientHello version). */
  premasterVersion?: number;
  /** Send these bytes as EncryptedPreMasterSecret instead of encrypting (RSA). */
  encrypted?: Uint8Array;
  /** Edit the PKCS#1 block before the raw RSA operation: index -> value (negative from the end). */
  paddingSubstitutions?: ReadonlyMap<number, number>;
  /** DHE: send this dh_Yc (the premaster then cannot be computed: keys are derived from zeros). */
  dhYc?: Uint8Array;
  /** Edit the encoded ClientKeyExchange body before sending. */
  editBody?: (body: Uint8Array) => Uint8Array;
  /**
   * Derive the RFC 7627 extended master secret (default: when the ServerHello carried the extension).
   * true without it is tlsfuzzer's ChangeCipherSpecGenerator(extended_master_secret=True).
   */
  extendedMasterSecret?: boolean;
  /** Send the message in records of this size, calling `between` after the first one. */
  fragment?: number;
  between?: () => void;
}

export class ScriptedClient<T extends ScriptedTransport = ServerUnderTest> {
  readonly provider: CryptoProvider = nativeProvider;
  helloVersion = 0x0301;
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  serverHello: ServerHello | null = null;
  suite: CipherSuite | null = null;
  master: Uint8Array | null = null;
  serverKey: RsaPublicKey | null = null;
  dhParams: { p: Uint8Array; g: Uint8Array; ys: Uint8Array } | null = null;
  resumed = false;
  /** The last handshake's Finished values (RFC 5746). */
  clientVerifyData: Uint8Array = new Uint8Array(0);
  serverVerifyData: Uint8Array = new Uint8Array(0);
  /** Every server event seen so far. */
  readonly events: ServerEvent[] = [];
  /** Largest record payload this client sends (tlsfuzzer's SetMaxRecordSize); handshake and application data. */
  recordSize = 16384;

  private transcript: Uint8Array[] = [];
  private write: ClientWriteState | null = null;
  private pendingWrite: ClientWriteState | null = null;
  private read: RecordProtection = RecordProtection.none();
  private pendingRead: RecordProtection | null = null;
  private readonly reader = new RecordReader();
  private readonly reassembler = new HandshakeReassembler(1 << 24);
  private offeredSession: SessionData | null = null;

  constructor(readonly server: T) {
    this.clientRandom = nativeProvider.random(32);
  }

  // -- raw sending

  /** Bytes straight to the server, as one TCP segment. */
  send(bytes: Uint8Array): void {
    this.server.conn.receive(bytes);
  }

  /** A record under the current write state (plaintext before the first CCS). */
  record(type: number, content: Uint8Array, o: SealOptions = {}): Uint8Array {
    if (!this.write) return encodeRecord(type, o.version ?? 0x0301, content);
    return this.write.seal(type, content, o);
  }

  sendRecord(type: number, content: Uint8Array, o: SealOptions = {}): void {
    this.send(this.record(type, content, o));
  }

  /** A handshake message (added to the transcript unless told otherwise), in records of at most `fragment` bytes. */
  handshakeRecords(type: number, body: Uint8Array, o: HandshakeSendOptions = {}): Uint8Array[] {
    const raw = o.raw ?? new ByteWriter().u8(type).vector(3, body).finish();
    if (o.transcript !== false) this.transcript.push(raw);
    const size = o.fragment ?? this.recordSize;
    const out: Uint8Array[] = [];
    let off = 0;
    if (o.firstFragment !== undefined) {
      out.push(this.record(ContentType.handshake, raw.subarray(0, o.firstFragment), o.seal));
      off = o.firstFragment;
    }
    for (; off < raw.length; off += size) out.push(this.record(ContentType.handshake, raw.subarray(off, off + size), o.seal));
    return out;
  }

  sendHandshake(type: number, body: Uint8Array, o: HandshakeSendOptions = {}): void {
    if (!o.between) return this.send(concatBytes(...this.handshakeRecords(type, body, o)));
    // Seal and send record by record, so records interleaved by `between` keep sequence order.
    const raw = o.raw ?? new ByteWriter().u8(type).vector(3, body).finish();
    if (o.transcript !== false) this.transcript.push(raw);
    const first = o.firstFragment ?? o.fragment ?? this.recordSize;
    this.send(this.record(ContentType.handshake, raw.subarray(0, first), o.seal));
    o.between();
    const size = o.fragment ?? this.recordSize;
    for (let off = first; off < raw.length; off += size) this.send(this.record(ContentType.handshake, raw.subarray(off, off + size), o.seal));
  }

  // -- generators

  /** The ClientHello body for these fields (tlsfuzzer's ClientHelloGenerator defaults, but TLS 1.0). */
  helloBody(fields: Partial<ClientHello> = {}): Uint8Array {
    const hello: ClientHello = {
      version: this.helloVersion,
      random: this.clientRandom,
      sessionId: this.offeredSession?.id ?? new Uint8Array(0),
      cipherSuites: [SUITE.RSA_AES_128, SUITE.SCSV],
      compressionMethods: [0],
      extensions: null,
      ...fields,
    };
    this.helloVersion = hello.version;
    this.clientRandom = hello.random;
    return encodeClientHello(hello);
  }

  /** Sends a ClientHello; `edit` may change the encoded message (header included) like tlsfuzzer's fuzz_message. */
  hello(
    fields: Partial<ClientHello> = {},
    o: { recordVersion?: number; fragment?: number; firstFragment?: number; edit?: (raw: Uint8Array) => Uint8Array; alsoSend?: Uint8Array; between?: () => void } = {},
  ): void {
    let raw = new ByteWriter().u8(HandshakeType.client_hello).vector(3, this.helloBody(fields)).finish();
    if (o.edit) raw = o.edit(raw);
    if (o.between) {
      return this.sendHandshake(HandshakeType.client_hello, new Uint8Array(0), {
        raw,
        between: o.between,
        ...(o.fragment !== undefined ? { fragment: o.fragment } : {}),
        ...(o.firstFragment !== undefined ? { firstFragment: o.firstFragment } : {}),
        seal: { version: o.recordVersion ?? 0x0301 },
      });
    }
    const records = this.handshakeRecords(HandshakeType.client_hello, new Uint8Array(0), {
      raw,
      ...(o.fragment !== undefined ? { fragment: o.fragment } : {}),
      ...(o.firstFragment !== undefined ? { firstFragment: o.firstFragment } : {}),
      seal: { version: o.recordVersion ?? 0x0301 },
    });
    this.send(concatBytes(...records, o.alsoSend ?? new Uint8Array(0)));
  }

  /** Sends an SSLv2-compatible ClientHello (RFC 2246 E.1); the transcript starts with its body. */
  sslv2Hello(o: { version?: number; suites: number[]; challenge?: Uint8Array }): void {
    const h = sslv2Hello(o);
    this.helloVersion = o.version ?? 0x0301;
    this.clientRandom = h.random;
    this.transcript.push(h.body);
    this.send(h.record);
  }

  /** The last NewSessionTicket (RFC 5077 3.3) the server sent. */
  newTicket: { lifetimeHint: number; ticket: Uint8Array } | null = null;
  private offeredTicketMaster: Uint8Array | null = null;

  /**
   * The next hello carries a ticket (the caller puts it in the session_ticket extension): resume with
   * this master secret if the server answers the ServerHello with CCS (RFC 5077 3.1, after an optional
   * NewSessionTicket), else run the full handshake.
   */
  offerTicket(master: Uint8Array): void {
    this.offeredTicketMaster = master;
  }

  /** Offer this session's id in the next hello and resume with its master secret if the server agrees. */
  offerSession(session: SessionData): void {
    this.offeredSession = session;
  }

  /** The session this client would hold after a full handshake (for offerSession on another client). */
  session(): SessionData {
    return {
      id: this.serverHello!.sessionId,
      masterSecret: this.master!,
      cipherSuite: this.suite!.id,
      compressionMethod: 0,
      createdAt: Date.now(),
      lifetime: 3600,
      peerCertificates: [],
    };
  }

  /** RSA or DHE ClientKeyExchange; derives the keys (pending until our CCS and the server's). */
  keyExchange(o: KeyExchangeOptions = {}): void {
    const suite = this.suite!;
    let body: Uint8Array;
    let premaster: Uint8Array;
    if (suite.keyExchange === 'DHE_RSA') {
      const { p, g, ys } = this.dhParams!;
      const offered = validateDhParams(p, g, 512);
      // A named RFC 7919 group has a known structure, so a short exponent is safe (and an 8192-bit one fast).
      const group = namedFfdheGroup(offered)?.group ?? offered;
      if (o.dhYc) {
        premaster = new Uint8Array(1);
        body = new ByteWriter().vector(2, o.dhYc).finish();
      } else {
        const pair = generateDhKeyPair(group, this.provider.random);
        premaster = dhSharedSecret(group, pair.privateKey, ys);
        body = new ByteWriter().vector(2, pair.publicKey).finish();
      }
    } else {
      const version = o.premasterVersion ?? this.helloVersion;
      premaster = o.premaster ?? concatBytes(Uint8Array.of(version >> 8, version & 0xff), this.provider.random(46));
      let encrypted = o.encrypted;
      if (!encrypted) {
        const key = this.serverKey!;
        if (o.paddingSubstitutions) {
          encrypted = rawPkcs1Encrypt(this.provider, key, premaster, o.paddingSubstitutions);
        } else {
          encrypted = pkcs1Encrypt(this.provider, key, premaster);
        }
      }
      body = new ByteWriter().vector(2, encrypted).finish();
    }
    if (o.editBody) body = o.editBody(body);
    this.sendHandshake(HandshakeType.client_key_exchange, body, {
      ...(o.fragment !== undefined ? { fragment: o.fragment } : {}),
      ...(o.between ? { between: o.between } : {}),
    });
    // RFC 7627 4: the session hash covers the messages through this ClientKeyExchange.
    const all = concatBytes(...this.transcript);
    const ems = o.extendedMasterSecret ?? this.serverAgreed(EXT.extended_master_secret);
    this.installMaster(
      ems
        ? extendedMasterSecret(premaster, concatBytes(this.provider.hash('md5', all), this.provider.hash('sha1', all)))
        : masterSecret(premaster, this.clientRandom, this.serverRandom),
    );
  }

  /** Whether the last ServerHello carried this extension. */
  serverAgreed(type: number): boolean {
    return this.serverHello?.extensions?.some((e) => e.type === type) ?? false;
  }

  private installMaster(master: Uint8Array): void {
    this.master = master;
    const keys = deriveKeys(this.suite!, master, this.clientRandom, this.serverRandom);
    // RFC 7366 2: encrypt-then-MAC applies to block ciphers only, and only when the server agreed.
    const etm = this.serverAgreed(EXT.encrypt_then_mac) && cipherInfo(this.suite!).type === 'block';
    this.pendingWrite = new ClientWriteState(this.provider, this.suite!, keys.client, etm);
    this.pendingRead = RecordProtection.create(this.provider, this.suite!, keys.server, 'open', { encryptThenMac: etm });
  }

  /** The client's Certificate message (tlsfuzzer's CertificateGenerator; an empty chain by default). */
  certificate(chain: readonly Uint8Array[] = []): void {
    this.sendHandshake(HandshakeType.certificate, encodeCertificate(chain));
  }

  /** CertificateVerify at TLS 1.0 (RFC 2246 7.4.8): RSA over MD5 || SHA-1 of the messages so far. */
  certificateVerify(key: RsaPrivateKey): void {
    const all = concatBytes(...this.transcript);
    const signature = signTls(this.provider, key, concatBytes(this.provider.hash('md5', all), this.provider.hash('sha1', all)));
    this.sendHandshake(HandshakeType.certificate_verify, new ByteWriter().vector(2, signature).finish());
  }

  /** ChangeCipherSpec (by default the single byte 1) and the switch to the pending write state. */
  changeCipherSpec(body: Uint8Array = Uint8Array.of(1), o: { switchState?: boolean } = {}): void {
    this.sendRecord(ContentType.change_cipher_spec, body);
    if (o.switchState !== false && this.pendingWrite) {
      this.write = this.pendingWrite;
      this.pendingWrite = null;
    }
  }

  /** The client Finished verify_data over the transcript so far. */
  finishedData(): Uint8Array {
    const all = concatBytes(...this.transcript);
    return finishedVerifyData(this.master!, 'client finished', this.provider.hash('md5', all), this.provider.hash('sha1', all));
  }

  finished(o: { xor?: [number, number]; body?: Uint8Array; seal?: SealOptions; fragment?: number; between?: () => void } = {}): void {
    const verify = o.body ?? this.finishedData();
    if (o.xor) verify[(verify.length + o.xor[0]) % verify.length]! ^= o.xor[1];
    this.clientVerifyData = verify.slice();
    this.sendHandshake(HandshakeType.finished, verify, {
      ...(o.seal ? { seal: o.seal } : {}),
      ...(o.fragment !== undefined ? { fragment: o.fragment } : {}),
      ...(o.between ? { between: o.between } : {}),
    });
  }

  /** Application data in records of at most recordSize bytes (one empty record for empty data). */
  appData(data: Uint8Array, o: SealOptions = {}): void {
    if (data.length === 0) return this.sendRecord(ContentType.application_data, data, o);
    const records: Uint8Array[] = [];
    for (let off = 0; off < data.length; off += this.recordSize) records.push(this.record(ContentType.application_data, data.subarray(off, off + this.recordSize), o));
    this.send(concatBytes(...records));
  }

  alert(level: number, description: number): void {
    this.sendRecord(ContentType.alert, Uint8Array.of(level, description));
  }

  // -- expectations

  /** Reads everything the server wrote since the last call, updating the connection state like tlsfuzzer's Expect nodes. */
  readServer(): ServerEvent[] {
    const got: ServerEvent[] = [];
    const bytes = this.server.pending.splice(0);
    for (const b of bytes) this.reader.push(b);
    for (;;) {
      const rec = this.reader.next();
      if (!rec) break;
      if (rec.type === 'sslv2-client-hello') throw new Error('server sent an SSLv2 record');
      const plain = this.read.open(rec);
      switch (rec.type) {
        case ContentType.handshake:
          this.reassembler.push(plain);
          for (let m = this.reassembler.next(); m; m = this.reassembler.next()) {
            got.push({ kind: 'handshake', type: m.type, body: m.body.slice(), raw: m.raw.slice() });
            this.onServerHandshake(m.type, m.body, m.raw);
          }
          break;
        case ContentType.change_cipher_spec:
          got.push({ kind: 'ccs' });
          // A ticket was offered and the server went straight to CCS (RFC 5077 3.1): it resumed.
          if (!this.pendingRead && this.offeredTicketMaster && this.serverHello) {
            this.resumed = true;
            this.installMaster(this.offeredTicketMaster);
          }
          if (!this.pendingRead) throw new Error('server ChangeCipherSpec before keys were known');
          this.read = this.pendingRead;
          this.pendingRead = null;
          break;
        case ContentType.alert:
          for (let i = 0; i + 1 < plain.length; i += 2) got.push({ kind: 'alert', level: plain[i]!, description: plain[i + 1]! });
          break;
        case ContentType.application_data:
          got.push({ kind: 'data', data: plain.slice() });
          break;
      }
    }
    this.events.push(...got);
    return got;
  }

  private onServerHandshake(type: number, body: Uint8Array, raw: Uint8Array): void {
    switch (type) {
      case HandshakeType.server_hello: {
        const sh = decodeServerHello(body);
        this.serverHello = sh;
        this.serverRandom = sh.random;
        this.suite = suiteById(sh.cipherSuite) ?? null;
        this.transcript.push(raw);
        const offered = this.offeredSession;
        if (offered && sh.sessionId.length > 0 && sh.sessionId.every((v, i) => v === offered.id[i]) && sh.sessionId.length === offered.id.length) {
          this.resumed = true;
          this.installMaster(offered.masterSecret);
        }
        return;
      }
      case HandshakeType.certificate: {
        const chain = decodeCertificate(body);
        const pub = parseCertificate(chain[0]!).publicKey;
        if (pub.algorithm === 'rsa') this.serverKey = pub.rsa;
        this.transcript.push(raw);
        return;
      }
      case HandshakeType.server_key_exchange:
        this.dhParams = decodeDheServerKeyExchange(body).params;
        this.transcript.push(raw);
        return;
      case HandshakeType.finished: {
        const all = concatBytes(...this.transcript);
        const expected = finishedVerifyData(this.master!, 'server finished', this.provider.hash('md5', all), this.provider.hash('sha1', all));
        if (!expected.every((v, i) => v === body[i])) throw new Error('server Finished does not verify');
        this.serverVerifyData = body.slice();
        this.transcript.push(raw);
        return;
      }
      case HandshakeType.hello_request:
        return;
      case 4: {
        // RFC 5077 3.3 NewSessionTicket: ticket_lifetime_hint (u32), ticket<0..2^16-1>.
        const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
        if (body.length < 6 || 6 + view.getUint16(4) !== body.length) throw new Error('malformed NewSessionTicket');
        this.newTicket = { lifetimeHint: view.getUint32(0), ticket: body.slice(6) };
        this.transcript.push(raw);
        return;
      }
      default:
        this.transcript.push(raw);
    }
  }

  /** A new handshake on this connection (renegotiation): a fresh transcript and client random. */
  resetHandshake(): void {
    this.transcript = [];
    this.clientRandom = this.provider.random(32);
    this.serverHello = null;
    this.offeredSession = null;
    this.offeredTicketMaster = null;
    this.resumed = false;
  }

  // -- whole flights

  /** ClientHello and the server's first flight. Returns the server's events. */
  helloAndFlight(fields: Partial<ClientHello> = {}): ServerEvent[] {
    this.hello(fields);
    return this.readServer();
  }

  /** CKE, CCS, Finished and the server's answer. */
  finishHandshake(kx: KeyExchangeOptions = {}): ServerEvent[] {
    this.keyExchange(kx);
    this.changeCipherSpec();
    this.finished();
    return this.readServer();
  }

  /** A whole default handshake (tlsfuzzer's "sanity" prefix). */
  handshake(fields: Partial<ClientHello> = {}): ServerEvent[] {
    const first = this.helloAndFlight(fields);
    if (this.resumed) {
      this.changeCipherSpec();
      this.finished();
      return [...first, ...this.readServer()];
    }
    return [...first, ...this.finishHandshake()];
  }
}

/** PKCS#1 v1.5 type-2 block with edits (tlsfuzzer's padding_subs), then the raw RSA public operation. */
function rawPkcs1Encrypt(provider: CryptoProvider, key: RsaPublicKey, message: Uint8Array, subs: ReadonlyMap<number, number>): Uint8Array {
  const k = key.size;
  const em = new Uint8Array(k);
  em[1] = 2;
  const psLength = k - 3 - message.length;
  const ps = provider.random(psLength);
  for (let i = 0; i < psLength; i++) if (ps[i] === 0) ps[i] = 1;
  em.set(ps, 2);
  em.set(message, 3 + psLength);
  // Like tlsfuzzer's padding_subs: 0 = the leading zero, 1 = block type, 2.. = PS; -1 = the separator, -2 = last PS byte.
  for (const [pos, val] of subs) em[pos < 0 ? k - message.length + pos : pos] = val;
  if (bytesToBigInt(em) >= key.n) throw new RangeError('edited block is not below the modulus');
  return provider.rsaPublicRaw(key, em);
}

/** tlsfuzzer's fuzz_message: XOR or substitute bytes of an encoded handshake message (header included). */
export function fuzz(raw: Uint8Array, o: { xors?: Record<number, number>; substitutions?: Record<number, number> }): Uint8Array {
  const out = raw.slice();
  for (const [k, v] of Object.entries(o.xors ?? {})) {
    const i = Number(k);
    out[i < 0 ? out.length + i : i]! ^= v;
  }
  for (const [k, v] of Object.entries(o.substitutions ?? {})) {
    const i = Number(k);
    out[i < 0 ? out.length + i : i] = v;
  }
  return out;
}

/** tlsfuzzer's pad_handshake / truncate_handshake: change the body size and fix the header length. */
export function resizeHandshake(raw: Uint8Array, delta: number, padByte = 0): Uint8Array {
  const body = raw.subarray(4);
  const newBody = delta >= 0 ? concatBytes(body, new Uint8Array(delta).fill(padByte)) : body.subarray(0, body.length + delta);
  return new ByteWriter().u8(raw[0]!).vector(3, newBody).finish();
}

/** An SSLv2-compatible CLIENT-HELLO record (RFC 2246 E.1) and the client random it implies. */
export function sslv2Hello(o: { version?: number; suites: number[]; challenge?: Uint8Array; sessionId?: Uint8Array }): { record: Uint8Array; body: Uint8Array; random: Uint8Array } {
  const challenge = o.challenge ?? nativeProvider.random(16);
  const sid = o.sessionId ?? new Uint8Array(0);
  const specs = new ByteWriter();
  for (const s of o.suites) specs.u8(0).u16(s);
  const specBytes = specs.finish();
  const body = new ByteWriter()
    .u8(1)
    .u16(o.version ?? 0x0301)
    .u16(specBytes.length)
    .u16(sid.length)
    .u16(challenge.length)
    .bytes(specBytes)
    .bytes(sid)
    .bytes(challenge)
    .finish();
  const record = concatBytes(Uint8Array.of(0x80 | (body.length >> 8), body.length & 0xff), body);
  const random = new Uint8Array(32);
  random.set(challenge.subarray(Math.max(0, challenge.length - 32)), 32 - Math.min(32, challenge.length));
  return { record, body, random };
}
