/**
 * Regenerates vectors/transcripts/*.json against live peers (gnutls-serv / gnutls-cli on PATH, node:tls
 * in process). `node dist/bench/record-transcripts.js [NAME...]` — all transcripts by default.
 * The fixed keys in vectors/transcripts/keys/ are reused (created only when missing).
 *
 * Re-record after any intended change to what ut-tls puts on the wire, then review the diff:
 * a replay divergence that was not intended is a regression, not a reason to re-record.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordCommand } from '../lib/replay/cli-commands.js';

// dist/bench/record-transcripts.js -> the repository root is two levels up from dist/bench.
const root = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const hasOut = args.some((a) => a === '--out' || a.startsWith('--out='));
const code = await recordCommand(hasOut ? args : ['--out', join(root, 'vectors', 'transcripts'), ...args]);
process.exitCode = code;
