/**
 * The AP's access log: one line per request, written when the response is finished (or the
 * connection went away first), in `key=value` form so grep and awk can read it:
 *
 *   2026-12-03T13:00:00.000Z peer=127.0.0.1 sni=as1.example.test host=as1.example.test route=/ \
 *     identity=sip:alice@example.test asserted=yes method=GET path=/x status=200 bytes=17 ms=3 \
 *     suite=TLS_RSA_WITH_3DES_EDE_CBC_SHA resumed=no auth=record
 *
 * (one line; `-` for a value that does not apply; a value with a space, quote or control character is
 * JSON-quoted). `identity` is the identity the AP established, `asserted` whether it was sent to the
 * AS (trustDomain, TS 33.141 5.1.4); `bytes` counts the response body bytes sent to the UE.
 * Destinations (ap.json `accessLog`): 'stderr' (default), 'stdout', 'off', or a file path (appended).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface AccessEntry {
  peer?: string;
  sni?: string | null;
  host?: string;
  route?: string;
  identity?: string;
  asserted?: boolean;
  method?: string;
  path?: string;
  status?: number;
  bytes?: number;
  ms?: number;
  suite?: string;
  resumed?: boolean;
  auth?: string;
  error?: string;
}

const ORDER: readonly (keyof AccessEntry)[] = ['peer', 'sni', 'host', 'route', 'identity', 'asserted', 'method', 'path', 'status', 'bytes', 'ms', 'suite', 'resumed', 'auth', 'error'];

function value(v: unknown): string {
  if (v === undefined || v === null || v === '') return '-';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  const s = String(v);
  return /[\s"\\\x00-\x1f\x7f]/.test(s) ? JSON.stringify(s) : s;
}

export function formatAccessLine(at: Date, e: AccessEntry): string {
  return `${at.toISOString()} ${ORDER.filter((k) => k !== 'error' || e.error !== undefined).map((k) => `${k}=${value(e[k])}`).join(' ')}\n`;
}

export interface AccessLog {
  /** Starts the entry of one request; the line is written once when `res` finishes or closes. */
  begin(req: IncomingMessage, res: ServerResponse): AccessEntry;
  close(): Promise<void>;
}

export function openAccessLog(target: string): AccessLog {
  let out: { write(s: string): unknown } | undefined;
  let file: WriteStream | undefined;
  if (target === 'stderr') out = process.stderr;
  else if (target === 'stdout') out = process.stdout;
  else if (target !== 'off') {
    file = createWriteStream(target, { flags: 'a' });
    // A log file that fails (disk full, removed directory) must not take the proxy down: say it once.
    file.once('error', (err) => process.stderr.write(`ut-tls ap: accessLog ${target}: ${err.message}; access log off\n`));
    file.on('error', () => undefined);
    out = file;
  }
  return {
    begin(req, res) {
      const start = process.hrtime.bigint();
      const entry: AccessEntry = { method: req.method, path: req.url, bytes: 0 };
      if (!out) return entry;
      const write = res.write.bind(res) as (...a: unknown[]) => boolean;
      const end = res.end.bind(res) as (...a: unknown[]) => ServerResponse;
      const count = (chunk: unknown) => {
        if (typeof chunk === 'string') entry.bytes! += Buffer.byteLength(chunk);
        else if (chunk instanceof Uint8Array) entry.bytes! += chunk.byteLength;
      };
      (res as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => (count(chunk), write(chunk, ...rest));
      (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
        if (typeof chunk !== 'function') count(chunk);
        return end(chunk, ...rest);
      };
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        entry.status = res.statusCode;
        entry.ms = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
        if (!res.writableFinished && entry.error === undefined) entry.error = 'connection closed before the response ended';
        if (!file?.destroyed) out!.write(formatAccessLine(new Date(), entry));
      };
      res.once('finish', finish);
      res.once('close', finish);
      return entry;
    },
    close() {
      return new Promise((resolve) => (file && !file.destroyed ? file.end(() => resolve()) : resolve()));
    },
  };
}
