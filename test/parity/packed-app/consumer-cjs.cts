// A TypeScript CommonJS consumer, as the README says: dynamic import (a static one is TS1479).
async function main(): Promise<void> {
  const { connect } = await import('ut-tls');
  connect({ host: '127.0.0.1', port: 4433 }).end();
}
void main();
