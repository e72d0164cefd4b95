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
  /** The rule that was broken, e.g. "TS 33.141 7.2(a)", or "RFC 2246 7.4.1.2". */
  readonly reason: string;
  constructor(alert: number, reason: string, opts: { sent?: boolean; cause?: unknown } = {}) {
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
  }
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
