/**
 * The server's virtual hosts in node:tls's shapes, turned into the engine's `contexts` and
 * `selectContext` (engine/server.ts chooses: named contexts, then the default certificate's names,
 * then selectContext). `SNICallback(servername, cb)` and `selectContext(servername)` may answer
 * with any context form (secure-context.ts); node's SNICallback is asked after the configured
 * contexts and addContext() entries, and before selectContext.
 */
import type { ServerContext as EngineContext } from '../engine/server-context.js';
import { TLSConfigError } from '../errors.js';
import { toEngineContext, type ContextInput } from './secure-context.js';

/** node:tls's SNICallback: answer with a context, or nothing for the default certificate. */
export type SNICallback = (servername: string, callback: (err: Error | null, context?: ContextInput | null) => void) => void;
/** The engine-form hook, answering with any context form. */
export type SelectContext = (servername: string) => ContextInput | undefined | null | Promise<ContextInput | undefined | null>;

export interface VirtualHostOptions {
  contexts?: readonly ContextInput[];
  SNICallback?: SNICallback;
  selectContext?: SelectContext;
}

/** `contexts` as a fresh engine list (the Server keeps adding to it with addContext). */
export function contextsOf(contexts: unknown, keyExchanges: readonly string[]): EngineContext[] {
  if (contexts === undefined) return [];
  if (!Array.isArray(contexts)) throw new TLSConfigError('contexts: expected a list of { servername, key, cert } objects', 'contexts');
  return contexts.map((c, i) => toEngineContext(c, `contexts[${i}]`, keyExchanges));
}

/** SNICallback and selectContext as the one engine hook (undefined when neither is set). */
export function selectorOf(opts: VirtualHostOptions, keyExchanges: readonly string[]): ((name: string) => Promise<EngineContext | undefined>) | undefined {
  const { SNICallback: sni, selectContext } = opts;
  if (sni !== undefined && typeof sni !== 'function') throw new TLSConfigError('SNICallback: expected a function (servername, callback)', 'SNICallback');
  if (selectContext !== undefined && typeof selectContext !== 'function') throw new TLSConfigError('selectContext: expected a function (servername)', 'selectContext');
  if (!sni && !selectContext) return undefined;
  return async (name: string) => {
    if (sni) {
      const answer = await new Promise<ContextInput | null | undefined>((resolve, reject) => {
        let called = false;
        sni(name, (err, context) => {
          if (called) return;
          called = true;
          if (err) reject(err instanceof Error ? err : new Error(String(err)));
          else resolve(context);
        });
      });
      if (answer) return toEngineContext(answer, 'SNICallback', keyExchanges);
    }
    if (selectContext) {
      const answer = await selectContext(name);
      if (answer) return toEngineContext(answer, 'selectContext', keyExchanges);
    }
    return undefined;
  };
}

/** server.addContext(hostname, context): the context for exactly these names ("*.example.org" as node:tls). */
export function namedContext(hostname: unknown, context: unknown, keyExchanges: readonly string[]): EngineContext {
  if (typeof hostname !== 'string' || hostname === '') {
    throw new TLSConfigError('addContext: the first argument is the host name (e.g. "www.example.org" or "*.example.org")', 'hostname');
  }
  return { ...toEngineContext(context, 'addContext', keyExchanges), names: [hostname] };
}
