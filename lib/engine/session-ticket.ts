/**
 * RFC 5077 session tickets, both roles (on by default; the `sessionTickets: false` option, or the
 * socket's `noTickets`, turns them off).
 *
 * Why: a node:tls (OpenSSL) server keeps no session-ID cache of its own (node sets
 * SSL_SESS_CACHE_NO_INTERNAL) and Go resumes only from tickets; an AP farm whose nodes share the
 * ticket keys resumes on any node without a shared store. The client offers the empty SessionTicket
 * extension, keeps the ticket the server sends in NewSessionTicket with the session, and offers it
 * back (with the session's ID, which the server echoes when it accepts the ticket, RFC 5077 3.4).
 *
 *   ClientHello(SessionTicket ext)  -->
 *                                   <--  ServerHello(empty SessionTicket ext) ... ServerHelloDone
 *   ... Finished                    -->
 *                                   <--  NewSessionTicket, [ChangeCipherSpec], Finished
 *
 * NewSessionTicket is part of the Finished transcript (RFC 5077 3.3). The server seals the session
 * with ../session/tickets.ts; it issues a ticket on full handshakes only (a resumed session keeps the
 * ticket it came with, whose lifetime still counts from the original full handshake, TS 33.141 7.1).
 */
import { AlertDescription } from '../alerts.js';
import { TLSAlertError } from '../errors.js';
import type { Extension } from '../messages/extensions/types.js';
import { ByteReader, ByteWriter } from '../util/bytes.js';

/** RFC 5077 3.2 extension number. */
export const SESSION_TICKET_EXTENSION = 35;
/** RFC 5077 3.3 handshake type. */
export const NEW_SESSION_TICKET = 4;

/** The ClientHello extension: the ticket of the offered session, or empty to ask for one. */
export function sessionTicketExtension(ticket: Uint8Array | undefined): Extension {
  return { type: SESSION_TICKET_EXTENSION, data: ticket ? ticket.slice() : new Uint8Array(0) };
}

/** RFC 5077 3.2: the server's SessionTicket extension is empty. */
export function checkSessionTicketAck(data: Uint8Array): void {
  if (data.length !== 0) {
    throw new TLSAlertError(AlertDescription.decode_error, 'RFC 5077 3.2: the server SessionTicket extension must be empty');
  }
}

export interface NewSessionTicket {
  /** Seconds; 0 means unspecified (RFC 5077 3.3). */
  lifetimeHint: number;
  ticket: Uint8Array;
}

/** struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket; */
export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  const r = new ByteReader(body, 'NewSessionTicket');
  const lifetimeHint = r.u16('ticket_lifetime_hint') * 65536 + r.u16('ticket_lifetime_hint');
  const ticket = r.vector(2, 'ticket').slice();
  r.end();
  return { lifetimeHint, ticket };
}

export function encodeNewSessionTicket(m: NewSessionTicket): Uint8Array {
  return new ByteWriter(6 + m.ticket.length)
    .u16(Math.floor(m.lifetimeHint / 65536))
    .u16(m.lifetimeHint % 65536)
    .vector(2, m.ticket)
    .finish();
}
