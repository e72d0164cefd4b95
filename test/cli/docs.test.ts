/**
 * docs/cli.md keeps up with the option tables the commands parse with (lib/cli/args.ts CommandSpec):
 * every command has its section, every option of it appears in that section, and the documented
 * help text is the one the command prints (so a changed option cannot leave the reference stale).
 * ap (docs/ap.md is its reference) only has to be documented in one of the two.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AP_SPEC } from '../../lib/cli/ap.js';
import { formatHelp, type CommandSpec } from '../../lib/cli/args.js';
import { CLIENT_SPEC } from '../../lib/cli/client.js';
import { SERVER_SPEC } from '../../lib/cli/server.js';
import { DECODE_SPEC, REPLAY_SPEC } from '../../lib/cli/transcript-args.js';
import { BENCH_SPEC } from '../../bench/run.js';
import { repoRoot } from '../helpers/paths.js';

const doc = readFileSync(join(repoRoot, 'docs', 'cli.md'), 'utf8');

/** The text from the "## ut-tls <name>" heading (or a combined one naming it) to the next "## ". */
function section(name: string): string {
  const m = new RegExp(`^## ut-tls [^\\n]*\\b${name}\\b[^\\n]*\\n([\\s\\S]*?)(?=^## |$(?![\\s\\S]))`, 'm').exec(doc);
  return m?.[1] ?? '';
}

const SPECS: CommandSpec[] = [CLIENT_SPEC, SERVER_SPEC, REPLAY_SPEC, DECODE_SPEC, BENCH_SPEC];
const apDoc = readFileSync(join(repoRoot, 'docs', 'ap.md'), 'utf8');

for (const spec of SPECS) {
  t.test(`docs/cli.md documents ut-tls ${spec.name}`, async (t) => {
    const text = section(spec.name);
    t.ok(text.length > 0, `a "## ut-tls ${spec.name}" section`);
    for (const o of spec.options) t.ok(text.includes(`--${o.name}`), `--${o.name} is in the section`);
    t.ok(text.includes(formatHelp(spec)), 'the section shows the help the command prints, as it prints it');
    t.match(text, new RegExp(`(^|\\n)(example[s]?: )?ut-tls ${spec.name} `), 'an example');
  });
}

t.test('docs/cli.md has the exit codes, the output contract and the gnutls-cli / openssl equivalents', async (t) => {
  t.match(doc, /^## Exit codes$/m);
  t.match(doc, /^## Output contract/m);
  t.match(doc, /^\| gnutls-cli \| openssl s_client \| ut-tls client \|$/m);
  t.match(doc, /^\| gnutls-serv \| openssl s_server \| ut-tls server \|$/m);
});

// ap's options are its own document's (docs/ap.md); docs/cli.md points there and gives an example.
t.test('docs/cli.md and docs/ap.md document ut-tls ap', async (t) => {
  const text = section('ap');
  t.match(text, /docs\/ap\.md/, 'the section points to docs/ap.md');
  for (const o of AP_SPEC.options) t.ok(text.includes(`--${o.name}`) || apDoc.includes(`--${o.name}`), `--${o.name} is documented`);
  t.match(text, /\nut-tls ap /, 'an example');
});
