/**
 * SessionTicket (RFC 5077), client side: offered (empty, or the offered session's ticket) with the
 * `sessionTickets` option on initial handshakes; the server's answer is empty. The ticket message
 * itself and the why are in ../session-ticket.ts. A ut-tls server does not answer it (yet).
 */
import { SESSION_TICKET_EXTENSION, checkSessionTicketAck, sessionTicketExtension } from '../session-ticket.js';
import type { ExtensionModule } from './types.js';

export const sessionTicket: ExtensionModule = {
  type: SESSION_TICKET_EXTENSION,
  name: 'session_ticket',
  offer: ({ options, previous, session }) => (options.sessionTickets && !previous ? sessionTicketExtension(session?.ticket).data : null),
  check: (data) => checkSessionTicketAck(data),
};
