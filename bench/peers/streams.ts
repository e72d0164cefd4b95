/** Small helpers over Node streams shared by the socket adapters. */
import type { Writable } from 'node:stream';

/** Resolves on `drain`; rejects if the stream errors or closes first. */
export function drained(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error('stream closed while waiting for drain'));
    };
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Writes `chunk` while keepGoing() holds, waiting for `drain` when write() says so, then ends the
 * stream. Resolves with the bytes written.
 */
export async function writeWhile(stream: Writable, chunk: Uint8Array, keepGoing: () => boolean): Promise<number> {
  let sent = 0;
  while (keepGoing()) {
    const ok = stream.write(chunk);
    sent += chunk.length;
    if (!ok) await drained(stream);
  }
  stream.end();
  return sent;
}

/** Waits for one of the events; rejects on 'error' (and on the `fail` events, if given). */
export function waitFor(emitter: NodeJS.EventEmitter, event: string, fail: string[] = ['error']): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const handlers: [string, (...a: unknown[]) => void][] = [];
    const cleanup = () => {
      for (const [e, h] of handlers) emitter.off(e, h);
    };
    const ok = (...args: unknown[]) => {
      cleanup();
      resolve(args);
    };
    handlers.push([event, ok]);
    for (const f of fail) {
      handlers.push([
        f,
        (err?: unknown) => {
          cleanup();
          reject(err instanceof Error ? err : new Error(`${f} before ${event}`));
        },
      ]);
    }
    for (const [e, h] of handlers) emitter.on(e, h);
  });
}
