// @types/node-forge is not installed; node-forge is only a dev dependency, used as a comparison
// point in benchmarks and as an independent implementation in tests.
declare module 'node-forge' {
  const forge: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  export default forge;
}
