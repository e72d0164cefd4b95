/**
 * ap.json's `tls` and `hosts` as the options of the AP's HTTPS server (lib/http/server.ts), and the
 * TLS layer's configuration errors turned back into ap.json keys, so a bad cipher list or CA file
 * stops `ut-tls ap` with one line naming the file and key, like every other configuration mistake.
 */
import { TLSConfigError } from '../errors.js';
import type { ServerOptions } from '../http/server.js';
import type { SessionStore } from '../engine/types.js';
import { ApConfigError, type ApConfig } from './config.js';

/**
 * Virtual hosts (TS 33.141 Annex A option 1, RFC 3546 3.1 server_name): every host is a named
 * context, the default host's certificate is also the certificate for no or an unknown server_name.
 * A multi-identity certificate given to several hosts (Annex A option 2) works the same way.
 */
export function serverOptionsOf(config: ApConfig, sessionStore?: SessionStore): ServerOptions {
  const { tls, defaultHost } = config;
  return {
    key: defaultHost.keyPem,
    cert: defaultHost.certPem,
    contexts: config.hosts.map((h) => ({ key: h.keyPem, cert: h.certPem, servername: h.names })),
    // A name no host lists gets the default host (findHost does the same for Host headers), not an alert.
    unrecognizedName: 'ignore',
    ...(tls.ciphers !== undefined ? { ciphers: tls.ciphers } : {}),
    ...(tls.sessionTimeout !== undefined ? { sessionTimeout: tls.sessionTimeout } : {}),
    // TS 33.141 6.1.4: a UE without a certificate answers with an empty Certificate message and the AP
    // may go on and authenticate it otherwise, so the handshake never fails for a missing or untrusted
    // client certificate: the authenticator decides (clientCertificateAuthenticator needs `authorized`).
    ...(tls.requestCert ? { requestCert: true, rejectUnauthorized: false } : {}),
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    // TS 33.141 6.1.4, see session-auth.ts: only 'authenticate' distrusts every resumed record.
    reauthenticateResumed: config.reauthentication === 'authenticate',
    ...(sessionStore ? { sessionStore } : {}),
    // RFC 5077 tickets off unless tls.tickets: the AP keeps each UE's authentication record with the
    // session (setAuthRecord, after the handshake), which a ticket issued at the handshake cannot
    // carry (a UE resuming from one authenticates again), and a farm with a store shares sessions
    // through it. With tickets, nodes (or workers) sharing tls.ticketKeys resume without a store.
    ...(tls.tickets ? {} : { noTickets: true }),
    ...(tls.ticketKeys ? { ticketKeys: Buffer.from(tls.ticketKeys) } : {}), // config.ts: only with tickets
  };
}

/** The ap.json key behind a TLS option name ('ciphers', 'ca', 'contexts[1].cert', ...). */
function configKeyOf(option: string | undefined): string {
  if (option === undefined) return 'tls';
  if (option === 'cipherSuites') return 'tls.ciphers';
  const ctx = /^contexts\[(\d+)\]\.?(\w+)?/.exec(option);
  if (ctx) return `hosts[${ctx[1]}].${ctx[2] === 'key' ? 'key' : 'cert'}`;
  if (option === 'key' || option === 'cert') return `hosts(default).${option}`;
  const top = option.split(/[.[]/)[0]!;
  return ['ciphers', 'ca', 'sessionTimeout', 'requestCert'].includes(top) ? `tls.${top}` : `tls (${option})`;
}

/** Runs `make` (building the TLS server); a TLSConfigError becomes a one-line ApConfigError. */
export function withConfigErrors<T>(config: ApConfig, make: () => T): T {
  try {
    return make();
  } catch (err) {
    if (err instanceof TLSConfigError) {
      // Some checks name their option only in the message ("ca: PEM: ...", "cipherSuites: unknown ...").
      const option = err.option ?? /^([A-Za-z][\w.[\]]*): /.exec(err.message)?.[1];
      throw new ApConfigError(`${config.file}: ${configKeyOf(option)}: ${err.message.replace(/\s*\n\s*/g, ' ')}`);
    }
    throw err;
  }
}
