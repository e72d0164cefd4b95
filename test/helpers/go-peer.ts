/**
 * The Go crypto/tls peer (test/peers/go/main.go), built on demand with the local toolchain
 * (Debian golang-go; standard library only, no network: GOPROXY=off) into a temporary directory,
 * with its build cache under the OS temp dir so the next test process builds in a moment.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';
import { type ReportingPeer, type Teardown, reportingPeer } from './peers.js';

const SOURCE = join(repoRoot, 'test', 'peers', 'go');
const CACHE = join(tmpdir(), 'ut-tls-go-cache');

/** Builds the peer (each call builds: call it at the top of a test file with the root t). */
export async function goPeer(t: Teardown): Promise<ReportingPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-go-peer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'peer');
  const env = {
    ...process.env,
    GOCACHE: join(CACHE, 'build'),
    GOPATH: join(CACHE, 'path'),
    GOPROXY: 'off',
    GOFLAGS: '',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
  const run = promisify(execFile);
  await run('go', ['build', '-o', bin, '.'], { cwd: SOURCE, env, timeout: 120_000 });
  const version = (await run('go', ['version'], { env, timeout: 10_000 })).stdout.trim();
  return reportingPeer(version, bin, []);
}
