/**
 * RFC 5077 session tickets against a real `ut-tls server` process (tickets on by default), in the
 * style of the tlsfuzzer conversations: the scripted client (helpers/conformance.ts) asks for a
 * ticket, offers it back with and without a session ID, and offers tickets the server must not
 * accept (forged, truncated, from another server, to a server without tickets): each a full handshake
 * without an alert (RFC 5077 3.4). A ticket whose suite the client no longer offers is refused as a
 * session ID would be (illegal_parameter), and the server stays up.
 */
import t, { type Test } from 'tap';
import { AlertDescription, EXT, RENEGO_EXT, SUITE } from '../helpers/conformance.js';
import { abbreviatedHandshake, connectScripted, empty, expectServer, fullHandshake, getAndClose, serverExtensions, startUtTlsServer } from '../helpers/conformance-wire.js';
import type { ScriptedClient } from '../helpers/conformance.js';
import type { WireConnection } from '../helpers/conformance-wire.js';

const server = await startUtTlsServer(t, ['--http']);
const noTickets = await startUtTlsServer(t, ['--http', '--no-tickets']);

const FLIGHT = 'hs:2 hs:11 hs:14';
/** After our Finished: NewSessionTicket (RFC 5077 3.3: before the server's ChangeCipherSpec), CCS, Finished. */
const TICKET_FINISH = 'hs:4 ccs hs:20';
const FINISH = 'ccs hs:20';
const HTTP_ANSWER = /^data:\d+ alert:1\/0 close$/;
const ASK = empty(EXT.session_ticket);
const ticketExt = (ticket: Uint8Array) => ({ type: EXT.session_ticket, data: ticket });
const hello = (extensions: { type: number; data: Uint8Array }[], o: { sessionId?: Uint8Array; cipherSuites?: number[] } = {}) => ({
  version: 0x0301,
  cipherSuites: o.cipherSuites ?? [SUITE.RSA_AES_128, SUITE.SCSV],
  extensions,
  ...(o.sessionId ? { sessionId: o.sessionId } : {}),
});
const sessionId = (seed: number) => Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + seed) & 0xff);

/** A full handshake that asks for a ticket; returns the ticket and the master secret it seals. */
async function ticketSession(t: Test, port = server.port, cipherSuites?: number[]) {
  const { c, wire } = await connectScripted(t, port);
  t.same(await fullHandshake(c, hello([RENEGO_EXT, ASK], cipherSuites ? { cipherSuites } : {})), { flight: FLIGHT, finish: TICKET_FINISH }, 'full handshake, NewSessionTicket before the CCS');
  t.ok(serverExtensions(c).includes(EXT.session_ticket), 'ServerHello acknowledges the SessionTicket extension');
  t.match(await getAndClose(c, null), /^alert:1\/0 close$/);
  wire.close();
  return { ticket: c.newTicket!.ticket, lifetimeHint: c.newTicket!.lifetimeHint, master: c.session().masterSecret };
}

/** Offers `ticket` (resuming with `master` if the server goes straight to CCS); expects a full handshake. */
async function expectFullHandshakeFor(t: Test, ticket: Uint8Array, master: Uint8Array, port = server.port) {
  const { c } = await connectScripted(t, port);
  c.offerTicket(master);
  const hs = await fullHandshake(c, hello([RENEGO_EXT, ticketExt(ticket)], { sessionId: sessionId(7) }));
  t.equal(hs.flight, FLIGHT, 'not resumed: Certificate and ServerHelloDone, no alert');
  t.notOk(c.resumed);
  return { c, hs };
}

async function resumes(t: Test, c: ScriptedClient<WireConnection>, offeredId: Uint8Array) {
  t.ok(c.resumed, 'resumed from the ticket');
  t.same([...c.serverHello!.sessionId], [...offeredId], 'RFC 5077 3.4: the ServerHello echoes the session ID the client sent');
  t.match(await getAndClose(c), HTTP_ANSWER, 'application data under the resumed keys');
}

t.test('sanity: a ticket is issued, with a lifetime hint within 24 hours (TS 33.141 7.1)', async (t) => {
  const { ticket, lifetimeHint } = await ticketSession(t);
  t.ok(ticket.length > 32, `a ticket of ${ticket.length} bytes`);
  t.ok(lifetimeHint > 0 && lifetimeHint <= 86400, `ticket_lifetime_hint ${lifetimeHint} s`);
});

t.test('no SessionTicket extension: no ticket, no acknowledgement', async (t) => {
  const { c } = await connectScripted(t, server.port);
  t.same(await fullHandshake(c, hello([RENEGO_EXT])), { flight: FLIGHT, finish: FINISH });
  t.notOk(serverExtensions(c).includes(EXT.session_ticket));
  t.equal(c.newTicket, null);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('resumption with the ticket and a session ID', async (t) => {
  const { ticket, master } = await ticketSession(t);
  const { c } = await connectScripted(t, server.port);
  c.offerTicket(master);
  const id = sessionId(1);
  t.equal(await abbreviatedHandshake(c, hello([RENEGO_EXT, ticketExt(ticket)], { sessionId: id })), 'hs:2 ccs hs:20', 'ServerHello, CCS, Finished');
  await resumes(t, c, id);
});

t.test('resumption with the ticket and an empty session ID (the CCS tells the client)', async (t) => {
  const { ticket, master } = await ticketSession(t);
  const { c } = await connectScripted(t, server.port);
  c.offerTicket(master);
  const flight = await abbreviatedHandshake(c, hello([RENEGO_EXT, ticketExt(ticket)], { sessionId: new Uint8Array(0) }));
  t.match(flight, /^hs:2 (hs:4 )?ccs hs:20$/, 'ServerHello, CCS, Finished');
  t.ok(c.resumed, 'resumed');
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('the same ticket resumes again (a ticket is not single-use)', async (t) => {
  const { ticket, master } = await ticketSession(t);
  for (const seed of [2, 3]) {
    const { c } = await connectScripted(t, server.port);
    c.offerTicket(master);
    const id = sessionId(seed);
    t.equal(await abbreviatedHandshake(c, hello([RENEGO_EXT, ticketExt(ticket)], { sessionId: id })), 'hs:2 ccs hs:20');
    await resumes(t, c, id);
  }
});

t.test('a forged ticket (each part flipped in turn) is a full handshake, never an alert', async (t) => {
  const { ticket, master } = await ticketSession(t);
  // key_name, iv, encrypted_state, mac (RFC 5077 4 layout).
  for (const at of [0, 20, 40, ticket.length - 1]) {
    const forged = ticket.slice();
    forged[at]! ^= 0x01;
    const { c, hs } = await expectFullHandshakeFor(t, forged, master);
    t.equal(hs.finish, TICKET_FINISH, `byte ${at}: the full handshake completes with a fresh ticket`);
    t.match(await getAndClose(c), HTTP_ANSWER);
  }
});

t.test('truncated and extended tickets are a full handshake', async (t) => {
  const { ticket, master } = await ticketSession(t);
  for (const bad of [ticket.subarray(0, ticket.length - 1), ticket.subarray(0, 16), Uint8Array.of(1), Uint8Array.of(...ticket, 0)]) {
    const { c, hs } = await expectFullHandshakeFor(t, bad, master);
    t.equal(hs.finish, TICKET_FINISH, `${bad.length} bytes: completes`);
    t.match(await getAndClose(c), HTTP_ANSWER);
  }
});

t.test("a ticket for a suite the client no longer offers: illegal_parameter, as for a session ID", async (t) => {
  // RFC 2246 7.4.1.2: the client MUST offer the session's suite; test-resumption-with-wrong-ciphers.py
  // expects fatal(illegal_parameter) for a session ID (docs/conformance.md), and a ticket is the same session.
  const { ticket, master } = await ticketSession(t, server.port, [SUITE.RSA_AES_128, SUITE.SCSV]);
  const { c } = await connectScripted(t, server.port);
  c.offerTicket(master);
  c.hello(hello([RENEGO_EXT, ticketExt(ticket)], { sessionId: sessionId(9), cipherSuites: [SUITE.RSA_3DES, SUITE.SCSV] }));
  const got = await expectServer(c, `alert:2/${AlertDescription.illegal_parameter}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.illegal_parameter}`);
  t.ok(got.closed);
});

t.test('--no-tickets: the extension is ignored, a ticket is not resumed', async (t) => {
  const { ticket, master } = await ticketSession(t);
  const { c } = await connectScripted(t, noTickets.port);
  t.same(await fullHandshake(c, hello([RENEGO_EXT, ASK])), { flight: FLIGHT, finish: FINISH }, 'no NewSessionTicket');
  t.notOk(serverExtensions(c).includes(EXT.session_ticket), 'no acknowledgement');
  t.match(await getAndClose(c), HTTP_ANSWER);
  const other = await expectFullHandshakeFor(t, ticket, master, noTickets.port);
  t.equal(other.hs.finish, FINISH);
  t.match(await getAndClose(other.c), HTTP_ANSWER);
});

t.test('a ticket from another server (other keys) is a full handshake there', async (t) => {
  const { ticket, master } = await ticketSession(t);
  const other = await startUtTlsServer(t, ['--http']);
  const { c, hs } = await expectFullHandshakeFor(t, ticket, master, other.port);
  t.equal(hs.finish, TICKET_FINISH);
  t.match(await getAndClose(c), HTTP_ANSWER);
});

t.test('a NewSessionTicket is only ever sent by the server: from the client it is unexpected_message', async (t) => {
  const { c } = await connectScripted(t, server.port);
  c.hello(hello([RENEGO_EXT, ASK]));
  t.equal((await expectServer(c, 'hs:14')).trace, FLIGHT);
  c.sendHandshake(4, Uint8Array.of(0, 0, 0, 0, 0, 0));
  const got = await expectServer(c, `alert:2/${AlertDescription.unexpected_message}`, { close: true });
  t.equal(got.trace, `alert:2/${AlertDescription.unexpected_message}`);
  t.ok(got.closed);
});

t.test('sanity (again, last): the server is still up', async (t) => {
  await ticketSession(t);
});
