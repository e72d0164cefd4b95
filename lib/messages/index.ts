/** Handshake message codecs (RFC 2246 7.4, RFC 3546, RFC 5746): pure functions over Uint8Array. */
export * from './types.js';
export * from './handshake.js';
export * from './client-hello.js';
export * from './server-hello.js';
export * from './certificate.js';
export * from './certificate-request.js';
export * from './server-hello-done.js';
export * from './hello-request.js';
export * from './client-key-exchange.js';
export * from './server-key-exchange.js';
export * from './certificate-verify.js';
export * from './finished.js';
export * from './certificate-url.js';
export * from './certificate-status.js';
export * from './extensions/index.js';
