/**
 * GBA as RFC 4279 PSK callbacks (TS 33.222 5.4, TS 24.109 Annex F):
 *
 *   server (NAF / AP)  gbaPskCallback({ lookup }) -> pskCallback(socket, identity): the identity is the
 *                      B-TID; the key is Ks_NAF (GBA_ME) or Ks_ext_NAF (GBA_U) of that bootstrapping
 *                      session for this NAF_Id, which the operator's lookup gets from the BSF (Zn is out
 *                      of scope). Send pskIdentityHint GBA_ME_HINT or GBA_U_HINT beside it.
 *   client (UE)        gbaClientPskCallback({ btid, ksNaf }) -> pskCallback(hint): answers the
 *                      "3GPP-bootstrapping" hints with the B-TID and the key, anything else with null.
 *
 * Shapes are those of the socket API (node:tls's pskCallback); the types here are structural, so this
 * module stays runtime-neutral and imports nothing from lib/socket.
 */
import { parseBtid, type Btid } from './btid.js';
import { GbaError } from './errors.js';
import { nafId as makeNafId, uaSharedKeyTls } from './naf-id.js';

/** psk_identity_hint of TS 24.109 F.3 (and TS 33.222 5.4) for GBA_ME. */
export const GBA_ME_HINT = '3GPP-bootstrapping';
/** psk_identity_hint for GBA_U (the UE answers with Ks_ext_NAF). */
export const GBA_U_HINT = '3GPP-bootstrapping-uicc';

/**
 * The psk_identity: the bare B-TID (TS 33.222 5.4 as the issue and older releases state it) or, as
 * TS 36.508 4.7H (Table 4.7H-5, ClientKeyExchange) has it, the concatenation of the hint's string,
 * "." and the B-TID, e.g. "3GPP-bootstrapping.<B-TID>". The server accepts both; the client sends the
 * bare B-TID unless told otherwise.
 */
export type GbaIdentityFormat = 'btid' | 'prefixed';

/** The B-TID inside a psk_identity and the prefix it came with (null: bare). */
export function btidOfPskIdentity(identity: string): { btid: string; prefix: string | null } {
  for (const prefix of [GBA_U_HINT, GBA_ME_HINT]) {
    if (identity.startsWith(`${prefix}.`)) return { btid: identity.slice(prefix.length + 1), prefix };
  }
  return { btid: identity, prefix: null };
}

/** What the server callback reads off the socket (ut-tls's TLSSocket has both). */
export interface GbaSocketView {
  /** The server_name the client sent: the NAF FQDN (TS 24.109 F.3). */
  readonly servername?: string | null | false;
  /** The suite of this handshake's ServerHello, before the handshake completes. */
  readonly negotiatedCipherSuite?: number | null;
}

/** A lookup answer with the bootstrapping session's lifetime (TS 33.220 4.5.3 key lifetime). */
export interface GbaKeyRecord {
  /** Ks_NAF (GBA_ME) or Ks_ext_NAF (GBA_U) for this B-TID and NAF_Id. */
  key: Uint8Array;
  /** When the bootstrapping session (and so this key) expires: ms since the epoch, or a Date. */
  expiresAt?: number | Date;
  /** Anything the application wants back with the identity (IMPI, IMPUs, ...). */
  info?: unknown;
}

export interface GbaLookupContext {
  /** The B-TID, parsed (RAND and BSF domain). */
  btid: Btid;
  nafFqdn: string;
  /** The negotiated suite, when the socket told it. */
  cipherSuite: number | undefined;
}

export type GbaKeyAnswer = Uint8Array | GbaKeyRecord | null | undefined;

/** The operator's side: the key for a B-TID at a NAF_Id, or null/undefined when there is none. */
export type GbaKeyLookup = (btid: string, nafId: Uint8Array, context: GbaLookupContext) => GbaKeyAnswer | Promise<GbaKeyAnswer>;

export type GbaRefusal = 'bad-btid' | 'no-naf-fqdn' | 'no-cipher-suite' | 'unknown' | 'expired' | 'lookup-failed';

/** What the server callback remembers of a connection it gave a key to. */
export interface GbaAuthentication {
  /** The B-TID (without any "3GPP-bootstrapping." prefix). */
  btid: string;
  /** The psk_identity as the UE sent it. */
  pskIdentity: string;
  nafId: Uint8Array;
  nafFqdn: string;
  expiresAt: number | undefined;
  info: unknown;
}

export interface GbaServerOptions {
  lookup: GbaKeyLookup;
  /**
   * The NAF FQDN when the client sent no server_name (or to pin one name). Default: the socket's
   * servername; a handshake without either is refused (TS 24.109 F.3 has the UE send server_name).
   */
  nafFqdn?: string;
  /**
   * The Ua security protocol identifier of NAF_Id (TS 33.220 H.3). Default: uaSharedKeyTls(suite),
   * (0x01,0x00,0x01,yy,zz) with the negotiated suite, TS 33.222 5.4.
   */
  uaProtocol?: Uint8Array | ((cipherSuite: number | undefined) => Uint8Array);
  /** Clock for the expiry check (ms since the epoch). Default Date.now. */
  now?: () => number;
  /** Told why a handshake got no key (for logs; the peer only sees the RFC 4279 failure). */
  onRefused?: (reason: GbaRefusal, identity: string, error?: unknown) => void;
}

export interface GbaServerPskCallback {
  (socket: GbaSocketView, identity: string): Promise<Uint8Array | null>;
  /** The B-TID (and lookup info) this callback authenticated on `socket`, if it did. */
  authenticationOf(socket: object): GbaAuthentication | undefined;
}

function isRecord(a: GbaKeyAnswer): a is GbaKeyRecord {
  return a !== null && a !== undefined && !(a instanceof Uint8Array);
}

/** The server's pskCallback(socket, identity) for GBA (see the file comment). */
export function gbaPskCallback(options: GbaServerOptions): GbaServerPskCallback {
  if (!options || typeof options.lookup !== 'function') throw new GbaError('ERR_GBA_BAD_PARAMETER', 'gbaPskCallback: options.lookup must be a function');
  const now = options.now ?? Date.now;
  const authenticated = new WeakMap<object, GbaAuthentication>();
  const ua = options.uaProtocol;
  if (ua !== undefined && typeof ua !== 'function') makeNafId('naf.invalid', ua); // checks the 5 octets now, not per handshake

  const callback = async (socket: GbaSocketView, identity: string): Promise<Uint8Array | null> => {
    const refuse = (reason: GbaRefusal, error?: unknown): null => {
      options.onRefused?.(reason, identity, error);
      return null;
    };
    const bare = btidOfPskIdentity(identity).btid;
    let btid: Btid;
    try {
      btid = parseBtid(bare);
    } catch (e) {
      return refuse('bad-btid', e);
    }
    const fqdn = options.nafFqdn ?? (typeof socket.servername === 'string' && socket.servername !== '' ? socket.servername : undefined);
    if (fqdn === undefined) return refuse('no-naf-fqdn');
    const suite = typeof socket.negotiatedCipherSuite === 'number' ? socket.negotiatedCipherSuite : undefined;
    let id: Uint8Array;
    try {
      if (ua === undefined && suite === undefined) return refuse('no-cipher-suite');
      id = makeNafId(fqdn, ua === undefined ? uaSharedKeyTls(suite!) : typeof ua === 'function' ? ua(suite) : ua);
    } catch (e) {
      return refuse('no-naf-fqdn', e);
    }
    let answer: GbaKeyAnswer;
    try {
      answer = await options.lookup(bare, id, { btid, nafFqdn: fqdn, cipherSuite: suite });
    } catch (e) {
      return refuse('lookup-failed', e);
    }
    if (answer === null || answer === undefined) return refuse('unknown');
    const key = isRecord(answer) ? answer.key : answer;
    if (!(key instanceof Uint8Array) || key.length === 0) return refuse('lookup-failed', new GbaError('ERR_GBA_BAD_KEY', 'gbaPskCallback: the lookup returned no key bytes'));
    const exp = isRecord(answer) && answer.expiresAt !== undefined ? +answer.expiresAt : undefined;
    // TS 33.220 4.5.3: a key of an expired bootstrapping session must not be used.
    if (exp !== undefined && !(now() < exp)) return refuse('expired');
    authenticated.set(socket, { btid: bare, pskIdentity: identity, nafId: id, nafFqdn: fqdn, expiresAt: exp, info: isRecord(answer) ? answer.info : undefined });
    return key;
  };
  return Object.assign(callback, { authenticationOf: (socket: object) => authenticated.get(socket) });
}

export interface GbaClientOptions {
  /** The B-TID of the UE's bootstrapping session, sent as psk_identity. */
  btid: string;
  /** Ks_NAF for this NAF (GBA_ME): the answer to hint "3GPP-bootstrapping". */
  ksNaf?: Uint8Array;
  /** Ks_ext_NAF (GBA_U): the answer to hint "3GPP-bootstrapping-uicc". */
  ksExtNaf?: Uint8Array;
  /** 'btid' (default): psk_identity = B-TID; 'prefixed': "<hint>.<B-TID>" (TS 36.508 Table 4.7H-5). */
  identityFormat?: GbaIdentityFormat;
}

/** The client's pskCallback(hint) for GBA: only the 3GPP hints get an answer (TS 24.109 F.3). */
export function gbaClientPskCallback(options: GbaClientOptions): (hint: string | null) => { identity: string; psk: Uint8Array } | null {
  parseBtid(options.btid); // a malformed B-TID is the application's error, raised at once
  if (options.ksNaf === undefined && options.ksExtNaf === undefined) throw new GbaError('ERR_GBA_BAD_KEY', 'gbaClientPskCallback: give ksNaf (GBA_ME) and/or ksExtNaf (GBA_U)');
  for (const k of [options.ksNaf, options.ksExtNaf]) {
    if (k !== undefined && (!(k instanceof Uint8Array) || k.length === 0)) throw new GbaError('ERR_GBA_BAD_KEY', 'gbaClientPskCallback: keys are non-empty Uint8Arrays');
  }
  return (hint) => {
    const psk = hint === GBA_ME_HINT ? options.ksNaf : hint === GBA_U_HINT ? options.ksExtNaf : undefined;
    if (!psk) return null;
    return { identity: options.identityFormat === 'prefixed' ? `${hint}.${options.btid}` : options.btid, psk };
  };
}
