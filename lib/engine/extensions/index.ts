/**
 * The extension registry: one home per extension (one file here each), and the loops the flows run.
 *
 * How to add an extension (e.g. RFC 7627 extended_master_secret):
 *   1. Its codec: lib/messages/extensions/<name>.ts (encode/decode of extension_data, typed errors).
 *   2. Its home: lib/engine/extensions/<name>.ts exporting an `ExtensionModule` (./types.ts): `read`
 *      (ClientHello -> its typed field of ClientRequests), `answer` (request + context -> ServerHello
 *      data or null; may throw a TLSAlertError, e.g. no_application_protocol), `offer` / `check`
 *      (client), and as needed `resumable` / `toSession` / `fromSession` (state kept for resumption,
 *      RFC 7627 5.3 / RFC 7366 3.1), `recordOptions` (record protection, e.g. encrypt-then-MAC),
 *      `masterSecret` (key derivation, e.g. the session hash), `answeredOn: 'always'` to answer
 *      on resumption too.
 *   3. One line in EXTENSIONS below (its place is its place in the ClientHello and ServerHello).
 *   4. Its typed fields: the request in `ClientRequests` (its default in noClientRequests below) and
 *      the agreed fact in `Agreement` (./types.ts).
 *   5. Its option in lib/engine/types.ts (and, if kept with the session, its field in
 *      lib/session/types.ts + lib/session/codec.ts).
 *   6. Its option's route in lib/socket/engine-options.ts ('pass' makes it a socket option; the
 *      build fails until the row is there). docs/architecture.md counts the files.
 * The flows (../server.ts, ../client.ts) are not touched: they call the functions below.
 */
import { masterSecret } from '../../crypto/prf.js';
import type { ClientHello } from '../../messages/client-hello.js';
import { TLSAlertError } from '../../errors.js';
import { AlertDescription } from '../../alerts.js';
import type { Extension } from '../../messages/extensions/types.js';
import type { ServerEngineOptions, SessionData } from '../types.js';
import { alpn } from './alpn.js';
import { clientCertificateUrl } from './client-certificate-url.js';
import { maxFragmentLength } from './max-fragment-length.js';
import { renegotiationInfo } from './renegotiation-info.js';
import { serverName } from './server-name.js';
import { sessionTicket } from './session-ticket.js';
import { statusRequest } from './status-request.js';
import { supportedGroups } from './supported-groups.js';
import { truncatedHmac } from './truncated-hmac.js';
import { encryptThenMac } from './encrypt-then-mac.js';
import { extendedMasterSecret } from './extended-master-secret.js';
import { trustedCaKeys } from './trusted-ca-keys.js';
import type {
  Agreement,
  ClientCheckContext,
  ClientOfferContext,
  ClientRequests,
  ExtensionModule,
  MasterSecretInputs,
  RecordOptions,
  ServerAnswerContext,
} from './types.js';

export type * from './types.js';
export { serverSecureRenegotiation } from './renegotiation-info.js';

/**
 * Every extension ut-tls knows, in ClientHello order (the recorded transcripts fix it). The
 * ServerHello answers in the same order except renegotiation_info, which it puts first.
 */
export const EXTENSIONS: readonly ExtensionModule[] = [
  serverName,
  maxFragmentLength,
  clientCertificateUrl,
  trustedCaKeys,
  truncatedHmac,
  statusRequest,
  supportedGroups,
  sessionTicket,
  alpn,
  encryptThenMac,
  extendedMasterSecret,
  renegotiationInfo,
];

const SERVER_HELLO_ORDER: readonly ExtensionModule[] = [renegotiationInfo, ...EXTENSIONS.filter((e) => e !== renegotiationInfo)];
const BY_TYPE = new Map(EXTENSIONS.map((e) => [e.type, e]));

export function newAgreement(): Agreement {
  return { acked: new Set<number>() };
}

// ---- server ---------------------------------------------------------------------------------

/** What a ClientHello asks for when it carries none of the extensions (`extended`: it had a block). */
export function noClientRequests(extended: boolean): ClientRequests {
  return {
    extended,
    servername: null,
    maxFragmentLength: null,
    truncatedHmac: false,
    ocsp: false,
    trustedAuthorities: null,
    clientCertificateUrl: false,
    renegotiationInfo: null,
    ffdheGroups: null,
    alpnProtocols: null,
    extendedMasterSecret: false,
    encryptThenMac: false,
    sessionTicket: null,
  };
}

/**
 * The typed requests of a ClientHello. Unknown extensions are ignored (RFC 5746 3.6 / RFC 2246
 * 7.4.1.2); a malformed known one is decode_error (or illegal_parameter where its RFC says so).
 */
export function readClientRequests(hello: ClientHello): ClientRequests {
  const requests = noClientRequests(hello.extensions !== null);
  for (const ext of hello.extensions ?? []) BY_TYPE.get(ext.type)?.read?.(ext.data, requests);
  return requests;
}

/**
 * The ServerHello extensions (RFC 3546 2.3: only answers to what was asked), filling the agreement.
 * On resumption only the modules answered 'always'; the agreement then comes from the session first.
 */
export function answerClientHello(ctx: ServerAnswerContext): Extension[] | null {
  const out: Extension[] = [];
  for (const e of SERVER_HELLO_ORDER) {
    if (!e.answer || (ctx.resumed && e.answeredOn !== 'always')) continue;
    const data = e.answer(ctx);
    if (data === null) continue;
    ctx.agreement.acked.add(e.type);
    out.push({ type: e.type, data });
  }
  return out.length > 0 ? out : null;
}

/** Server: whether every extension accepts resuming `session` for this hello. */
export function extensionsAllowResumption(session: SessionData, requests: ClientRequests, options: ServerEngineOptions): boolean {
  return EXTENSIONS.every((e) => e.resumable?.(session, requests, options) ?? true);
}

// ---- client ---------------------------------------------------------------------------------

/** Client construction: each extension's option check (TLSConfigError). */
export function checkClientOptions(options: ClientOfferContext['options']): void {
  for (const e of EXTENSIONS) e.checkOptions?.(options);
}

/** The ClientHello extensions, in registry order. */
export function offerExtensions(ctx: ClientOfferContext): Extension[] {
  const out: Extension[] = [];
  for (const e of EXTENSIONS) {
    const data = e.offer?.(ctx);
    if (data !== null && data !== undefined) out.push({ type: e.type, data });
  }
  return out;
}

/**
 * Client: checks the ServerHello extensions (RFC 3546 2.3: only what we offered, unless the module
 * allows it unasked) and fills the agreement; then lets the absent ones object.
 */
export function checkServerAnswers(extensions: readonly Extension[] | null, offered: ReadonlySet<number>, ctx: ClientCheckContext): void {
  for (const ext of extensions ?? []) {
    const e = BY_TYPE.get(ext.type);
    if (!offered.has(ext.type) && !e?.unsolicited) {
      throw new TLSAlertError(AlertDescription.unsupported_extension, `RFC 3546 2.3: server sent extension ${ext.type} that the client did not offer`);
    }
    e?.check?.(ext.data, ctx);
    ctx.agreement.acked.add(ext.type);
  }
  for (const e of EXTENSIONS) if (!ctx.agreement.acked.has(e.type)) e.absent?.(ctx);
}

// ---- both sides -------------------------------------------------------------------------------

/** On resumption: the session's agreement replaces the hello's (RFC 3546 3.2 / 3.5). */
export function agreementFromSession(session: SessionData, agreement: Agreement): void {
  for (const e of EXTENSIONS) e.fromSession?.(session, agreement);
}

/** The SessionData fields that keep the agreement, in registry order. */
export function sessionFieldsOf(agreement: Agreement): Partial<SessionData> {
  return Object.assign({}, ...EXTENSIONS.map((e) => e.toSession?.(agreement) ?? {})) as Partial<SessionData>;
}

/** The record protection options the agreement asks for. */
export function recordOptionsOf(agreement: Agreement): RecordOptions {
  return Object.assign({}, ...EXTENSIONS.map((e) => e.recordOptions?.(agreement) ?? {})) as RecordOptions;
}

/** The master secret: an extension's derivation if one applies, else RFC 2246 8.1's. */
export function deriveMasterSecret(agreement: Agreement, inputs: MasterSecretInputs): Uint8Array {
  for (const e of EXTENSIONS) {
    const master = e.masterSecret?.(agreement, inputs);
    if (master) return master;
  }
  return masterSecret(inputs.preMaster, inputs.clientRandom, inputs.serverRandom, inputs.provider);
}
