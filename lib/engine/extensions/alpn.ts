/**
 * application_layer_protocol_negotiation (RFC 7301), which works over TLS 1.0 like any hello
 * extension. The API is node:tls's: `ALPNProtocols` on both roles, `ALPNCallback` on the server.
 *
 * Server: answers only a client that asked, and only when configured; picks by its own preference
 * (the first of its ALPNProtocols the client lists, as OpenSSL's SSL_select_next_proto does for
 * node), or lets ALPNCallback choose. No overlap is fatal no_application_protocol (120, RFC 7301
 * 3.2). Answered on resumption too (`answeredOn: 'always'`): RFC 7301 negotiates per handshake and
 * keeps nothing in the session, as OpenSSL and GnuTLS do.
 * Client: offers its list; the answer must be exactly one of the names it offered.
 */
import { AlertDescription } from '../../alerts.js';
import { TLSAlertError, TLSConfigError } from '../../errors.js';
import { ALPN_EXTENSION_TYPE, alpnProtocolList, decodeProtocolNameList, decodeSelectedProtocol, encodeProtocolNameList } from '../../messages/extensions/alpn.js';
import type { ExtensionModule } from './types.js';

/** The option as a list of names; TLSConfigError for a malformed one. */
function configured(value: Parameters<typeof alpnProtocolList>[0] | undefined): string[] | null {
  if (value === undefined || value === null) return null;
  try {
    const list = alpnProtocolList(value);
    return list.length > 0 ? list : null;
  } catch (e) {
    throw new TLSConfigError((e as Error).message, 'ALPNProtocols');
  }
}

export const alpn: ExtensionModule = {
  type: ALPN_EXTENSION_TYPE,
  name: 'application_layer_protocol_negotiation',
  read(data, requests) {
    requests.alpnProtocols = decodeProtocolNameList(data);
  },
  answeredOn: 'always',
  answer({ requests, options, agreement }) {
    const offered = requests.alpnProtocols;
    if (!offered) return null;
    let selected: string | undefined;
    if (options.ALPNCallback) {
      selected = options.ALPNCallback({ servername: requests.servername ?? undefined, protocols: [...offered] });
      if (selected === undefined) throw new TLSAlertError(AlertDescription.no_application_protocol, 'RFC 7301 3.2: ALPNCallback accepted none of the client protocols');
      if (!offered.includes(selected)) throw new TLSAlertError(AlertDescription.internal_error, `ALPNCallback returned ${JSON.stringify(selected)}, which the client did not offer`);
    } else {
      const ours = configured(options.ALPNProtocols);
      if (!ours) return null;
      selected = ours.find((p) => offered.includes(p));
      if (selected === undefined) throw new TLSAlertError(AlertDescription.no_application_protocol, `RFC 7301 3.2: no protocol in common (client: ${offered.join(',')}; server: ${ours.join(',')})`);
    }
    agreement.alpnProtocol = selected;
    return encodeProtocolNameList([selected]);
  },
  checkOptions(options) {
    configured(options.ALPNProtocols);
  },
  offer({ options }) {
    const ours = configured(options.ALPNProtocols);
    return ours ? encodeProtocolNameList(ours) : null;
  },
  check(data, { options, agreement }) {
    const selected = decodeSelectedProtocol(data);
    if (!configured(options.ALPNProtocols)?.includes(selected)) {
      throw new TLSAlertError(AlertDescription.illegal_parameter, `RFC 7301 3.1: the server selected ${JSON.stringify(selected)}, which was not offered`);
    }
    agreement.alpnProtocol = selected;
  },
};
