/**
 * `ut-tls/engine` in a browser (issue 19 item 6): esbuild bundles a page script that imports the engine
 * by its package name (platform 'browser': a reachable node: import would fail the bundle), and headless
 * Chromium (Debian package `chromium`, installed by .ci/run) runs the in-memory 3DES handshake from a
 * file:// page. The page writes its log into the DOM; `--dump-dom` carries it out and the test asserts
 * the negotiated suite. No network: file:// only, every host name unresolvable, any proxy-able request
 * sent to a dead port on 127.0.0.1.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { testPki } from '../helpers/pki.js';
import { within } from '../helpers/peers.js';
import type { HandshakeLog } from './in-memory-handshake.js';

const here = dirname(fileURLToPath(import.meta.url));
const PAGE_SCRIPT = join(here, 'browser-page.js');

async function bundlePage(outfile: string): Promise<Metafile> {
  const r = await build({ entryPoints: [PAGE_SCRIPT], bundle: true, platform: 'browser', format: 'iife', outfile, metafile: true, logLevel: 'silent' });
  return r.metafile;
}

/** Runs chromium --headless --dump-dom on the page; resolves with the DOM it printed. */
async function dumpDom(dir: string, page: string): Promise<{ code: number | string; dom: string; stderr: string }> {
  const args = [
    '--headless',
    '--no-sandbox', // tests run as root in CI containers
    '--disable-gpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-breakpad',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--proxy-server=127.0.0.1:9',
    `--user-data-dir=${join(dir, 'profile')}`,
    '--dump-dom',
    pathToFileURL(page).href,
  ];
  // Its own process group, so a hung browser and its helpers can be killed together.
  const child = spawn('chromium', args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let dom = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (dom += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (e) => {
      stderr += String(e);
      resolve('spawn-error');
    });
  });
  const code = await within(exited, 120_000);
  if (code === 'timeout' && child.pid !== undefined) {
    process.kill(-child.pid, 'SIGKILL');
    await within(exited, 5000);
  }
  return { code, dom, stderr };
}

function resultOf(dom: string): Record<string, unknown> {
  const m = /<pre id="result">([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) throw new Error(`no result element in the DOM: ${dom.slice(0, 500)}`);
  const text = m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');
  return JSON.parse(text) as Record<string, unknown>;
}

t.test('ut-tls/engine bundled by esbuild runs a 3DES handshake in headless Chromium', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-browser-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));

  const meta = await bundlePage(join(dir, 'bundle.js'));
  const pageInput = Object.entries(meta.inputs).find(([path]) => path.endsWith('test/architecture/browser-page.js'))?.[1];
  t.ok(
    pageInput?.imports.some((i) => i.original === 'ut-tls/engine' && i.path.endsWith('lib/engine-index.js')),
    'the page imports the engine through the package name, resolved by the exports map',
  );
  const inputs = Object.keys(meta.inputs);
  t.ok(inputs.some((p) => p.endsWith('lib/engine/connection.js')), 'the bundle holds the engine');
  t.notOk(inputs.some((p) => p.includes('/lib/socket/') || p.endsWith('crypto/native.js')), 'no socket layer, no node:crypto provider');

  const pki = await testPki();
  const input = JSON.stringify({ caPem: pki.caPem, certPem: pki.certPem, keyPem: pki.keyPem });
  const page = join(dir, 'page.html');
  writeFileSync(page, `<!doctype html><html><body><pre id="result">not run</pre>
<script>window.UT_TLS_INPUT = ${input};</script>
<script src="bundle.js"></script></body></html>\n`);

  const run = await dumpDom(dir, page);
  t.equal(run.code, 0, `chromium exits 0 (stderr tail: ${run.stderr.slice(-400)})`);
  const log = resultOf(run.dom) as unknown as HandshakeLog & { userAgent?: string; fatal?: string };
  t.equal(log.fatal, undefined, 'the page script did not throw');
  t.match(log.userAgent, /Chrome\//, 'it ran in Chromium');
  t.same(log.globals, { process: 'undefined', require: 'undefined', Buffer: 'undefined' }, 'no Node globals in the page');
  t.same(log.errors, []);
  t.equal(log.clientComplete, true);
  t.equal(log.serverComplete, true);
  t.equal(log.suite, 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'the negotiated suite, as the page printed it');
  t.same(log.verdict, { authorized: true }, 'the client verified the chain in the browser');
  t.equal(log.received, 'hello over 3DES', 'application data crossed');
});
