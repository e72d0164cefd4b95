import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** The repository root, from a compiled test in dist/test/... */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  // dist/test/helpers -> repo root is three levels up
  for (let i = 0; i < 3; i++) dir = dirname(dir);
  return dir;
}
export const repoRoot = findRoot();
export const vectorsDir = join(repoRoot, 'vectors');
export function vectorPath(...parts: string[]): string {
  return join(vectorsDir, ...parts);
}
