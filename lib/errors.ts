/**
 * Typed errors. Everything a peer can get wrong becomes a TLSAlertError with the alert that is (or was) sent.
 */
import { alertName } from './alerts.js';

/** Base class: every error ut-tls raises has a Node-style `code`. */
export class TLSError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TLSError';
    this.code = code;
  }
}

/**
 * A fatal (or warning) alert, sent by us (`sent: true`) or received from the peer.
 * code is `ERR_TLS_ALERT_<NAME>` for alerts we send and `ERR_TLS_ALERT_RECEIVED_<NAME>` for alerts we receive.
 */
export class TLSAlertError extends TLSError {
  readonly alert: number;
  readonly alertName: string;
  readonly sent: boolean;
  /** The rule that was broken, in words, e.g. "TS 33.141 7.2(a): client offered only anonymous suites". */
  readonly reason: string;
  /**
   * The same rule as a stable identifier for programs (logs, metrics, tests): `<document>-<clause>`,
   * optionally `-<what>`, e.g. 'TS33.141-7.2(a)-anonymous-only', 'RFC2246-7.4.1.3-no-common-suite',
   * 'RFC2246-6.2.3'. Given by the refusal site, or read off the clause the reason starts with
   * (ruleOfReason); undefined for an alert the peer sent (its rule is not ours to know) and for a
   * reason that names no clause.
   */
  readonly rule: string | undefined;
  constructor(alert: number, reason: string, opts: { sent?: boolean; cause?: unknown; rule?: string } = {}) {
    const sent = opts.sent ?? true;
    const name = alertName(alert);
    const code = `ERR_TLS_ALERT_${sent ? '' : 'RECEIVED_'}${name.toUpperCase()}`;
    super(code, sent ? `${reason} (sent ${name} alert ${alert})` : `peer sent fatal alert ${name} (${alert})${reason ? ': ' + reason : ''}`, {
      cause: opts.cause,
    });
    this.name = 'TLSAlertError';
    this.alert = alert;
    this.alertName = name;
    this.sent = sent;
    this.reason = reason;
    this.rule = sent ? (opts.rule ?? ruleOfReason(reason)) : undefined;
  }
}

/**
 * The rule identifier of a reason that starts with a clause: "RFC 2246 7.4.1.3: ..." -> 'RFC2246-7.4.1.3',
 * "TS 33.141 7.2(a): ..." -> 'TS33.141-7.2(a)', "WAP-219 6.4: ..." -> 'WAP-219-6.4'; else undefined.
 */
export function ruleOfReason(reason: string): string | undefined {
  const m = /^(RFC|TS|WAP-)\s?([\d.]+) ([\d.]*\d(?:\([a-z]\))?):/.exec(reason);
  return m ? `${m[1]}${m[2]}-${m[3]}` : undefined;
}

/**
 * Invalid options given by the application (never by the peer). `option` names the offending option
 * (e.g. 'key', 'cert', 'contexts[1].cert', 'requestCrt') when one is to blame.
 */
export class TLSConfigError extends TLSError {
  readonly option: string | undefined;
  constructor(message: string, option?: string) {
    super('ERR_TLS_INVALID_CONFIG', message);
    this.name = 'TLSConfigError';
    this.option = option;
  }
}
