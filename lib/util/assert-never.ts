/**
 * The default of an exhaustive switch: `default: return assertNever(state)` compiles only while every
 * member of the union has its case, so a new state (or message kind) without one is a build error
 * (test/architecture/exhaustive-switch.test.ts shows it). Reached at run time only through an engine
 * bug, which the connection's fatal path turns into internal_error.
 */
export function assertNever(value: never, what = 'case'): never {
  const name = typeof value === 'object' && value !== null && 'name' in value ? String((value as { name: unknown }).name) : String(value);
  throw new Error(`engine bug: unhandled ${what} ${name}`);
}
