/**
 * `npm run record -- [--out DIR] [--keys DIR] [--list] [NAME...]`: regenerates vectors/transcripts/*.json
 * against live peers (gnutls-serv / gnutls-cli on PATH, node:tls in process); all transcripts by default.
 * The fixed keys in vectors/transcripts/keys/ are reused (created only when missing).
 *
 * Re-record after any intended change to what ut-tls puts on the wire, then review the diff:
 * a replay divergence that was not intended is a regression, not a reason to re-record.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordCommand } from '../test/recording/record-command.js';

// dist/bench/record-transcripts.js -> the repository root is two levels up from dist/bench.
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
process.exitCode = await recordCommand(process.argv.slice(2), join(root, 'vectors', 'transcripts'), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
});
