/** Every fuzz target under one name space: handshake scenarios (by role) and parsers. */
import { runConnection, runParser, type Result } from './harness.js';
import { parserTargets, type ParserTarget } from './parsers.js';
import { scenarios, type Scenario } from './scenarios.js';

export type Target = { name: string; kind: 'connection'; scenario: Scenario } | { name: string; kind: 'parser'; parser: ParserTarget };

let all: Promise<Target[]> | undefined;

export function targets(): Promise<Target[]> {
  return (all ??= (async () => [
    ...(await scenarios()).map((s): Target => ({ name: s.name, kind: 'connection', scenario: s })),
    ...(await parserTargets()).map((p): Target => ({ name: `parser/${p.name}`, kind: 'parser', parser: p })),
  ])());
}

export async function runTarget(t: Target, input: Uint8Array, chunkSeed: number | null): Promise<Result> {
  return t.kind === 'connection' ? runConnection(t.scenario, input, chunkSeed) : runParser(t.parser, input);
}
