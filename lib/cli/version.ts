/** `ut-tls --version`: the package version (read from the package.json beside dist/), and what it speaks. */
import { readFileSync } from 'node:fs';

export function versionText(): string {
  let version = 'unknown';
  try {
    // dist/lib/cli/version.js -> package.json at the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = pkg.version ?? version;
  } catch {
    // Run from an unusual layout: still answer.
  }
  return `ut-tls ${version} (TLS 1.0, RFC 2246; node ${process.version})\n`;
}
