/**
 * SessionTicket (RFC 5077), both roles; the ticket message and the why are in ../session-ticket.ts,
 * the sealing in ../../session/tickets.ts.
 *
 * Client: offered on initial handshakes (empty, or the offered session's ticket) with
 * `sessionTickets: true` (opt-in: see the option), or when the offered session carries a ticket
 * and the option is not false; the server's answer must be empty (3.2).
 * Server: answered (empty) on a full handshake when the client offered it, tickets are on and
 * sessions may be resumed at all (sessionTimeout > 0); the answer promises a NewSessionTicket
 * (3.3). A resumed ServerHello does not answer: no new ticket, the client keeps its own.
 */
import { MAX_SESSION_LIFETIME_SECONDS } from '../../policy/session-lifetime.js';
import type { ServerEngineOptions } from '../types.js';
import { SESSION_TICKET_EXTENSION, checkSessionTicketAck, sessionTicketExtension } from '../session-ticket.js';
import type { ExtensionModule } from './types.js';

/** Whether a server with these options issues and accepts tickets. */
export function serverUsesTickets(options: ServerEngineOptions): boolean {
  return options.sessionTickets !== false && (options.sessionTimeout ?? MAX_SESSION_LIFETIME_SECONDS) > 0;
}

export const sessionTicket: ExtensionModule = {
  type: SESSION_TICKET_EXTENSION,
  name: 'session_ticket',
  read: (data, requests) => {
    // RFC 5077 3.2: the extension data is the ticket itself (empty: the client asks for one).
    requests.sessionTicket = data.slice();
  },
  // Renegotiations too (as OpenSSL does): GnuTLS, having had a ticket, fails a renegotiation without one.
  answer: ({ requests, options }) => (requests.sessionTicket !== null && serverUsesTickets(options) ? new Uint8Array(0) : null),
  // Also offered, unasked, for a session that carries a ticket (it came from a ticket server) unless turned off.
  offer: ({ options, previous, session }) =>
    !previous && (options.sessionTickets === true || (options.sessionTickets === undefined && session?.ticket !== undefined))
      ? sessionTicketExtension(session?.ticket).data
      : null,
  check: (data) => checkSessionTicketAck(data),
};
