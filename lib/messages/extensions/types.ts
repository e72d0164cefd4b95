/**
 * Extension numbers: RFC 3546 2.3 (the six of TLS extensions) and RFC 5746 (renegotiation_info).
 */

export const ExtensionType = {
  server_name: 0,
  max_fragment_length: 1,
  client_certificate_url: 2,
  trusted_ca_keys: 3,
  truncated_hmac: 4,
  status_request: 5,
  encrypt_then_mac: 22, // RFC 7366 2
  extended_master_secret: 23, // RFC 7627 5.1
  renegotiation_info: 0xff01, // RFC 5746 3.2
} as const;
export type ExtensionType = (typeof ExtensionType)[keyof typeof ExtensionType];

/** RFC 3546 2.3: struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } */
export interface Extension {
  type: number;
  data: Uint8Array;
}

const NAMES = new Map<number, string>(Object.entries(ExtensionType).map(([k, v]) => [v, k]));

/** "server_name" for 0; "unknown(35)" for a type we do not implement (servers ignore those, RFC 5746 3.6). */
export function extensionTypeName(t: number): string {
  return NAMES.get(t) ?? `unknown(${t})`;
}
