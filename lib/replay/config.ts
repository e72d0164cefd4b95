/**
 * From a transcript's `utTls` block to the Connection options the recorder and the replayer both use:
 * the one place that decides how a recorded configuration becomes an engine, so that recording and
 * replay cannot drift apart.
 */
import { createPureProvider } from '../crypto/pure.js';
import { seededRandom } from '../crypto/random.js';
import type { ClientEngineOptions, EngineOptions, ServerEngineOptions, SessionData, SessionStore } from '../engine/types.js';
import { MemorySessionStore } from '../session/memory-store.js';
import { TicketKeys } from '../session/tickets.js';
import { suiteById, suiteByName } from '../suites.js';
import { parsePrivateKey } from '../x509/keys.js';
import { pemDecode } from '../x509/pem.js';
import { sessionFromJson, ticketKeysFromHex, type UtTlsConfig } from './format.js';

/** PEM texts by file name (the files of vectors/transcripts/keys/). */
export type KeyFiles = Readonly<Record<string, string>>;

export function suiteNameOf(id: number): string {
  return suiteById(id)?.name ?? `0x${id.toString(16).padStart(4, '0')}`;
}

export function suiteIdOf(name: string): number {
  const s = suiteByName(name);
  if (s) return s.id;
  if (/^0x[0-9a-f]{4}$/i.test(name)) return parseInt(name.slice(2), 16);
  throw new Error(`unknown cipher suite ${JSON.stringify(name)}`);
}

function keyFile(keys: KeyFiles, name: string): string {
  const text = keys[name];
  if (text === undefined) throw new Error(`key file ${JSON.stringify(name)} is not available (expected in vectors/transcripts/keys/)`);
  return text;
}

export interface BuiltOptions {
  options: EngineOptions;
  /** Server role: the session store (preloaded with utTls.session when resuming). */
  store?: SessionStore;
  /** Client role: the session offered (utTls.session). */
  session?: SessionData;
}

export interface BuildOptions {
  /** Server role: use this store instead of a fresh one (the recorder shares one across a resumption pair). */
  sessionStore?: SessionStore;
}

/**
 * Options for `new Connection`: the pure provider over seededRandom(seed) (the only randomness),
 * now() = clock, the configured suites, certificate and key parsed fresh for every connection.
 *
 * A fresh key object matters: RSA blinding state is cached per key object (lib/crypto/rsa-math.ts) and
 * decides whether a private operation draws from the random source, so reusing one key object across
 * connections would shift the random stream of later connections.
 */
export function engineOptionsFor(config: UtTlsConfig, keys: KeyFiles, build: BuildOptions = {}): BuiltOptions {
  const provider = createPureProvider({ random: seededRandom(config.seed) });
  const clock = config.clock;
  const common = {
    provider,
    now: () => clock,
    cipherSuites: config.cipherSuites,
    // Transcripts recorded before RFC 7627 / 7366 were default-on replay without them; newer ones say so in extensions.
    extendedMasterSecret: false,
    encryptThenMac: false,
    // Likewise RFC 5077 tickets (a ticket's IV and keys would also draw from the seeded random source).
    sessionTickets: false,
    ...config.extensions,
  };
  const chain = config.certificate ? pemDecode(keyFile(keys, config.certificate), 'CERTIFICATE') : undefined;
  const privateKey = config.privateKey ? parsePrivateKey(keyFile(keys, config.privateKey)) : undefined;
  const session = config.session ? sessionFromJson(config.session) : undefined;
  if (config.role === 'server') {
    if (!chain || !privateKey) throw new Error('the server role needs certificate and privateKey');
    const store = build.sessionStore ?? new MemorySessionStore({ now: () => clock });
    if (session && !build.sessionStore) store.set(session);
    // Fixed keys: a ticket sealed in the recording opens in the replay (its IV comes from the seeded stream).
    const ticketKeys = config.ticketKeys !== undefined ? new TicketKeys({ keys: ticketKeysFromHex(config.ticketKeys), random: provider.random, now: () => clock }) : undefined;
    const options: ServerEngineOptions = {
      ...common,
      isServer: true,
      certificateChain: chain,
      privateKey,
      sessionStore: store,
      ...(ticketKeys ? { ticketKeys } : {}),
      ...(config.requestCert !== undefined ? { requestCert: config.requestCert } : {}),
      ...(config.rejectUnauthorized !== undefined ? { rejectUnauthorized: config.rejectUnauthorized } : {}),
    };
    return { options, store };
  }
  if (config.ticketKeys !== undefined) throw new Error('utTls.ticketKeys: only the server role seals tickets');
  const options: ClientEngineOptions = {
    ...common,
    isServer: false,
    // A transcript replays the recorded bytes; the server certificates in vectors/ were made for the
    // recording and have long expired, so the replayed client skips verification, explicitly.
    insecureSkipVerify: true,
    ...(config.servername !== undefined ? { servername: config.servername } : {}),
    ...(chain ? { certificateChain: chain } : {}),
    ...(privateKey ? { privateKey } : {}),
    ...(session ? { session } : {}),
    ...(config.rejectUnauthorized !== undefined ? { rejectUnauthorized: config.rejectUnauthorized } : {}),
  };
  return { options, ...(session ? { session } : {}) };
}
