/**
 * The extension transcripts recorded against node:tls (OpenSSL 3, TLS 1.0, AES128-SHA): RFC 7627
 * extended_master_secret with RFC 7366 encrypt_then_mac, and RFC 5077 session tickets (a full
 * handshake that issues one, then the abbreviated handshake that resumes from it), in both roles.
 * They replay byte-exact, the wire shows what each extension promises, and a damaged ticket or bad
 * ticket keys are reported, not thrown.
 */
import t from 'tap';
import { Connection } from '../../lib/engine/connection.js';
import { decodeNewSessionTicket, NEW_SESSION_TICKET, SESSION_TICKET_EXTENSION } from '../../lib/engine/session-ticket.js';
import type { TLSError } from '../../lib/errors.js';
import { decodeClientHello } from '../../lib/messages/client-hello.js';
import { ExtensionType, type Extension } from '../../lib/messages/extensions/types.js';
import { decodeServerHello } from '../../lib/messages/server-hello.js';
import { HandshakeType } from '../../lib/messages/types.js';
import { engineOptionsFor } from '../../lib/replay/config.js';
import { isRecordEntry, parseTranscript, sessionFromJson, TranscriptFormatError, type Direction, type RecordEntry, type Transcript } from '../../lib/replay/format.js';
import { replayTranscript } from '../../lib/replay/replayer.js';
import { RecordSplitter } from '../../lib/replay/records.js';
import { fromHex, toHex } from '../../lib/util/bytes.js';
import { copyTranscript, flipByte, loadTranscript, nth, plaintextMessagesFrom, transcriptKeys } from '../helpers/transcripts.js';
import { plaintextHandshakeMessages, type WireMessage } from '../helpers/wire-messages.js';

const keys = transcriptKeys;
const NAMES = ['ems-etm', 'ticket-full', 'ticket-resumed'].flatMap((n) => [`client-node-${n}`, `server-node-${n}`]);
const ROLES = ['client', 'server'] as const;

/** Who played the TLS client / server in a ut-tls transcript. */
const clientSide = (tr: Transcript): Direction => (tr.utTls!.role === 'client' ? 'ut-tls' : 'peer');
const serverSide = (tr: Transcript): Direction => (tr.utTls!.role === 'server' ? 'ut-tls' : 'peer');

const types = (messages: WireMessage[]): number[] => messages.map((m) => m.type);
const extensionTypes = (exts: Extension[] | null): number[] => (exts ?? []).map((e) => e.type);

/** Both sides' plaintext handshake messages and the two hellos, decoded. */
function hellos(tr: Transcript) {
  const client = plaintextMessagesFrom(tr, clientSide(tr));
  const server = plaintextMessagesFrom(tr, serverSide(tr));
  if (client[0]?.type !== HandshakeType.client_hello || server[0]?.type !== HandshakeType.server_hello) throw new Error(`${tr.name}: no ClientHello / ServerHello in the clear`);
  return { client, server, clientHello: decodeClientHello(client[0]!.body), serverHello: decodeServerHello(server[0]!.body) };
}

function ticketExtension(exts: Extension[] | null): Uint8Array | undefined {
  return (exts ?? []).find((e) => e.type === SESSION_TICKET_EXTENSION)?.data;
}

t.test('the six extension transcripts replay byte-exact against node:tls (OpenSSL 3)', async (t) => {
  for (const name of NAMES) {
    const tr = loadTranscript(name);
    t.equal(tr.peer!.implementation, 'node:tls', `${name}: node:tls peer`);
    t.match(tr.peer!.version, /^OpenSSL 3\./, `${name}: OpenSSL version recorded`);
    t.equal(tr.expected.cipherSuite, 'TLS_RSA_WITH_AES_128_CBC_SHA', `${name}: suite`);
    const r = replayTranscript(tr, keys);
    t.same(r.errors, [], `${name}: no divergence`);
    const own = tr.records.filter((e) => isRecordEntry(e) && e.from === 'ut-tls').length;
    t.equal(r.recordsMatched, own, `${name}: all ${own} ut-tls records identical`);
    t.equal(r.outcome.handshake, 'complete', `${name}: complete`);
    t.equal(r.outcome.resumed, name.endsWith('-resumed'), `${name}: resumed or not`);
    t.equal(r.outcome.masterSecret, tr.expected.masterSecret, `${name}: same master secret`);
  }
});

t.test('ems-etm: both hellos carry extended_master_secret and encrypt_then_mac, and the session keeps both', async (t) => {
  for (const role of ROLES) {
    const tr = loadTranscript(`${role}-node-ems-etm`);
    t.same(tr.utTls!.extensions, { extendedMasterSecret: true, encryptThenMac: true }, `${role}: configured on`);
    const { clientHello, serverHello, server } = hellos(tr);
    for (const ext of [ExtensionType.extended_master_secret, ExtensionType.encrypt_then_mac]) {
      t.ok(extensionTypes(clientHello.extensions).includes(ext), `${role}: ClientHello offers extension ${ext}`);
      t.ok(extensionTypes(serverHello.extensions).includes(ext), `${role}: ServerHello answers extension ${ext}`);
    }
    t.same(types(server), [HandshakeType.server_hello, HandshakeType.certificate, HandshakeType.server_hello_done], `${role}: a full handshake`);
    const r = replayTranscript(tr, keys);
    t.equal(r.session?.extendedMasterSecret, true, `${role}: the replayed session is an EMS session (RFC 7627 5.2)`);
    t.equal(r.session?.encryptThenMac, true, `${role}: and an EtM one (RFC 7366 3.1)`);
  }
  // The older node recording: OpenSSL offered both too, ut-tls (replayed with the defaults off) answered neither.
  const old = loadTranscript('server-node-aes128');
  const { clientHello, serverHello } = hellos(old);
  t.ok(extensionTypes(clientHello.extensions).includes(ExtensionType.extended_master_secret), 'node:tls offers EMS by default at TLS 1.0');
  t.ok(extensionTypes(clientHello.extensions).includes(ExtensionType.encrypt_then_mac), 'and EtM');
  t.same(extensionTypes(serverHello.extensions).filter((e) => e === 22 || e === 23), [], 'server-node-aes128 answers neither');
  const r = replayTranscript(old, keys);
  t.notOk(r.session?.extendedMasterSecret, 'and its session has no EMS');
});

t.test('ticket-full: the server flight carries a NewSessionTicket before its ChangeCipherSpec', async (t) => {
  for (const role of ROLES) {
    const tr = loadTranscript(`${role}-node-ticket-full`);
    t.same(tr.utTls!.extensions, { sessionTickets: true }, `${role}: tickets on`);
    const { clientHello, serverHello, server } = hellos(tr);
    t.same(ticketExtension(clientHello.extensions), new Uint8Array(0), `${role}: ClientHello asks for a ticket (empty SessionTicket extension)`);
    t.same(ticketExtension(serverHello.extensions), new Uint8Array(0), `${role}: ServerHello promises one (RFC 5077 3.2)`);
    t.same(
      types(server),
      [HandshakeType.server_hello, HandshakeType.certificate, HandshakeType.server_hello_done, NEW_SESSION_TICKET],
      `${role}: ServerHello, Certificate, ServerHelloDone, then NewSessionTicket (RFC 5077 3.3)`,
    );
    const ticket = decodeNewSessionTicket(server[3]!.body).ticket;
    t.ok(ticket.length > 0, `${role}: a non-empty ticket`);
    const r = replayTranscript(tr, keys);
    if (role === 'server') {
      // ut-tls sealed it under utTls.ticketKeys: key_name is its first 16 bytes (lib/session/tickets.ts).
      t.equal(toHex(ticket.subarray(0, 16)), tr.utTls!.ticketKeys!.slice(0, 32), 'server: the ticket names the configured key');
    } else {
      t.same(r.session?.ticket, ticket, 'client: the replayed session keeps the ticket node:tls issued');
      t.equal(toHex(serverHello.sessionId), '', 'client: node:tls sent an empty session ID with the ticket (RFC 5077 3.4)');
      t.ok(r.session!.id.length > 0, 'client: ut-tls made up a session ID for the resumption');
    }
  }
});

t.test('ticket-resumed: an abbreviated handshake from the ticket, the ServerHello echoing the client session ID', async (t) => {
  for (const role of ROLES) {
    const full = loadTranscript(`${role}-node-ticket-full`);
    const tr = loadTranscript(`${role}-node-ticket-resumed`);
    const { client, server, clientHello, serverHello } = hellos(tr);
    const ticket = ticketExtension(clientHello.extensions);
    const issued = decodeNewSessionTicket(plaintextMessagesFrom(full, serverSide(full))[3]!.body).ticket;
    t.same(ticket, issued, `${role}: the ClientHello presents the ticket the first connection received`);
    t.same(types(client), [HandshakeType.client_hello], `${role}: no ClientKeyExchange or Certificate from the client`);
    t.same(types(server), [HandshakeType.server_hello], `${role}: no Certificate, no ServerHelloDone, no new ticket from the server`);
    t.ok(clientHello.sessionId.length > 0, `${role}: the client sends a session ID with the ticket`);
    t.same(serverHello.sessionId, clientHello.sessionId, `${role}: the ServerHello echoes it: the ticket was accepted (RFC 5077 3.4)`);
    t.equal(tr.expected.sessionId, toHex(clientHello.sessionId), `${role}: expected.sessionId`);
    t.equal(tr.expected.masterSecret, full.expected.masterSecret, `${role}: the first connection's master secret`);
  }
  const server = loadTranscript('server-node-ticket-resumed');
  t.equal(server.utTls!.session, undefined, 'server: no stored session; the ticket carries it');
  t.equal(server.utTls!.ticketKeys, loadTranscript('server-node-ticket-full').utTls!.ticketKeys, 'server: the same ticket keys');
  const client = loadTranscript('client-node-ticket-resumed');
  const offered = sessionFromJson(client.utTls!.session!);
  t.same(offered.ticket, decodeNewSessionTicket(plaintextMessagesFrom(loadTranscript('client-node-ticket-full'), 'peer')[3]!.body).ticket, 'client: the session codec carries the ticket');
  t.equal(toHex(offered.id), loadTranscript('client-node-ticket-full').expected.sessionId, "client: and the made-up session ID");
});

/** What a fresh server engine configured from `tr` sends in answer to `clientHello` (plaintext messages). */
function serverAnswer(tr: Transcript, clientHello: Uint8Array): { messages: WireMessage[]; error: TLSError | null } {
  const built = engineOptionsFor(tr.utTls!, keys);
  const out: Uint8Array[] = [];
  const splitter = new RecordSplitter(false);
  let error: TLSError | null = null;
  const conn = new Connection(built.options, {
    output: (b) => out.push(...splitter.push(b)),
    handshakeComplete: () => undefined,
    data: () => undefined,
    peerClosed: () => undefined,
    error: (e) => {
      error = e;
    },
  });
  conn.start();
  conn.receive(clientHello);
  return { messages: plaintextHandshakeMessages(out), error };
}

t.test('a damaged ticket sends the ut-tls server through a full handshake; the replay reports the divergence', async (t) => {
  const tr = copyTranscript(loadTranscript('server-node-ticket-resumed'));
  const index = nth(tr, 'peer', 0);
  const hello = tr.records[index] as RecordEntry;
  const ticketHex = toHex(ticketExtension(decodeClientHello(plaintextMessagesFrom(tr, 'peer')[0]!.body).extensions)!);
  const at = hello.hex.indexOf(ticketHex);
  t.ok(at > 0 && at % 2 === 0, 'the ticket is in the ClientHello record');
  hello.hex = flipByte(hello.hex, at / 2 + 40); // inside the encrypted state (after key_name and IV)

  const answer = serverAnswer(tr, fromHex(hello.hex));
  t.equal(answer.error, null, 'no alert: a ticket that does not open is just not used (RFC 5077 3.4)');
  t.same(types(answer.messages), [HandshakeType.server_hello, HandshakeType.certificate, HandshakeType.server_hello_done], 'a full handshake instead');

  let r: ReturnType<typeof replayTranscript> | undefined;
  t.doesNotThrow(() => (r = replayTranscript(tr, keys)), 'the replayer does not throw');
  t.equal(r!.ok, false);
  t.equal(r!.divergence?.recordIndex, nth(tr, 'ut-tls', 0), "the divergence is ut-tls's first flight");
  t.match(r!.errors[0], new RegExp(`^record ${nth(tr, 'ut-tls', 0)} \\(handshake\\): byte \\d+ differs`));
  t.equal(r!.outcome.resumed, undefined, 'not resumed');

  // Other (well-formed) ticket keys: the recorded ticket does not open either.
  const other = copyTranscript(loadTranscript('server-node-ticket-resumed'));
  other.utTls!.ticketKeys = '00'.repeat(48);
  const r2 = replayTranscript(parseTranscript(other), keys);
  t.equal(r2.ok, false);
  t.equal(r2.divergence?.recordIndex, nth(other, 'ut-tls', 0), 'other ticket keys diverge at the same flight');
});

t.test('utTls.ticketKeys must be 96 lower-case hex characters, server role only', async (t) => {
  const bad = copyTranscript(loadTranscript('server-node-ticket-full'));
  bad.utTls!.ticketKeys = bad.utTls!.ticketKeys!.slice(0, 95);
  t.throws(() => parseTranscript(bad), new TranscriptFormatError('utTls.ticketKeys: must be 96 lower-case hex characters (48 bytes: key name, HMAC key, AES key), got 95 characters'));
  const r = replayTranscript(bad, keys);
  t.equal(r.ok, false);
  t.same(r.errors, ['server-node-ticket-full: cannot configure the connection: utTls.ticketKeys: must be 96 lower-case hex characters (48 bytes: key name, HMAC key, AES key), got 95 characters']);

  const upper = copyTranscript(loadTranscript('server-node-ticket-full'));
  upper.utTls!.ticketKeys = upper.utTls!.ticketKeys!.toUpperCase();
  t.throws(() => parseTranscript(upper), /utTls\.ticketKeys: must be 96 lower-case hex characters/);

  const client = copyTranscript(loadTranscript('client-node-ticket-full'));
  client.utTls!.ticketKeys = '00'.repeat(48);
  t.throws(() => parseTranscript(client), /utTls\.ticketKeys: only the server role seals tickets/);
  t.match(replayTranscript(client, keys).errors[0], /cannot configure the connection: utTls\.ticketKeys: only the server role seals tickets/);
});
