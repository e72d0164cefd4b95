/**
 * The script of the Chromium page (engine-browser.test.ts bundles it with esbuild): imports the engine
 * through the package name `ut-tls/engine`, exactly as an application would, runs the shared in-memory
 * handshake on the PKI the page gives in `window.UT_TLS_INPUT`, and writes the log as JSON into
 * <pre id="result"> for `chromium --dump-dom` to carry out.
 */
import * as engine from 'ut-tls/engine';
import { inMemoryHandshake, type HandshakeInput } from './in-memory-handshake.js';

const out = document.getElementById('result')!;
try {
  const input = (globalThis as unknown as { UT_TLS_INPUT: HandshakeInput }).UT_TLS_INPUT;
  out.textContent = JSON.stringify({ userAgent: navigator.userAgent, ...inMemoryHandshake(engine, input) });
} catch (err) {
  out.textContent = JSON.stringify({ fatal: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
}
