/**
 * The Java JSSE peer (test/peers/java/Jsse.java), compiled on demand with javac (Debian
 * default-jdk-headless) into a temporary directory, run with test/peers/java/tls10.security laid
 * over the JDK's java.security (JDK 17 disables TLS 1.0 by default).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';
import { type ReportingPeer, type Teardown, reportingPeer } from './peers.js';

const SOURCE = join(repoRoot, 'test', 'peers', 'java');

/** Compiles the peer (each call compiles: call it at the top of a test file with the root t). */
export async function jssePeer(t: Teardown): Promise<ReportingPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'ut-tls-jsse-peer-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const run = promisify(execFile);
  await run('javac', ['-d', dir, join(SOURCE, 'Jsse.java')], { timeout: 120_000 });
  // `java -version` prints on stderr; its first line names the runtime.
  const version = (await run('java', ['-version'], { timeout: 20_000 })).stderr.split('\n')[0]!.trim();
  // One '=': the JDK's own java.security is read first, ours overrides its keys.
  return reportingPeer(version, 'java', ['-Djava.security.properties=' + join(SOURCE, 'tls10.security'), '-cp', dir, 'Jsse']);
}
