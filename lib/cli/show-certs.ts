/**
 * `--show-certs`: the certificate chain the peer presented and the verification result, one field
 * per line (docs/cli.md output contract), as `openssl s_client -showcerts` / gnutls-cli print them:
 *
 *   certificate 0: subject CN=localhost
 *     issuer: CN=ut-tls test CA
 *     validity: 2024-01-01T00:00:00Z to 2049-12-31T23:59:59Z
 *     subjectAltName: DNS:localhost, IP Address:127.0.0.1
 *     sha256: AB:CD:...
 *   verify: ok
 *   verify: failed code=UNABLE_TO_VERIFY_LEAF_SIGNATURE
 */
import { fingerprint, nodeSubjectAltName, parseCertificate } from '../x509/certificate.js';
import type { TLSSocket } from '../socket/tls-socket.js';

function oneLine(text: string): string {
  return text.replace(/\n/g, ', ');
}

/** The lines for one DER certificate at position `i` of the chain. */
export function certificateLines(der: Uint8Array, i: number): string[] {
  try {
    const c = parseCertificate(der);
    return [
      `certificate ${i}: subject ${oneLine(c.subject.text)}`,
      `  issuer: ${oneLine(c.issuer.text)}`,
      `  validity: ${c.notBefore.toISOString().replace('.000Z', 'Z')} to ${c.notAfter.toISOString().replace('.000Z', 'Z')}`,
      `  subjectAltName: ${nodeSubjectAltName(c) ?? '(none)'}`,
      `  key: ${c.publicKey.algorithm.toUpperCase()} ${c.publicKeyBits} bits`,
      `  sha256: ${fingerprint(der, 'sha256')}`,
    ];
  } catch (err) {
    return [`certificate ${i}: ${der.length} bytes that do not parse as X.509 (${(err as Error).message})`];
  }
}

/** The chain as the peer sent it (from the session; a session-less handshake falls back to getPeerCertificate). */
function presentedChain(socket: TLSSocket): readonly Uint8Array[] {
  const fromSession = socket.getSession()?.peerCertificates;
  if (fromSession && fromSession.length > 0) return fromSession;
  const out: Uint8Array[] = [];
  let c = socket.getPeerCertificate(true) as { raw?: Uint8Array; issuerCertificate?: unknown } | undefined;
  const seen = new Set<unknown>();
  while (c && c.raw && !seen.has(c)) {
    seen.add(c);
    out.push(c.raw);
    c = c.issuerCertificate as typeof c;
  }
  return out;
}

/** The verify line: "verify: ok", or "verify: failed code=<node code>". */
export function verifyLine(authorized: boolean, code: string | null): string {
  return authorized ? 'verify: ok' : `verify: failed code=${code ?? 'UNKNOWN'}`;
}

export function showCertificates(socket: TLSSocket): string {
  const lines = presentedChain(socket).flatMap((der, i) => certificateLines(der, i));
  if (lines.length === 0) lines.push('certificate: none presented');
  lines.push(verifyLine(socket.authorized, socket.authorizationError));
  return lines.join('\n') + '\n';
}
