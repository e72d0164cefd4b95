/**
 * ut-tls/http: node:https's shape over ut-tls (Node only). createServer() is an http.Server for the
 * AP; Agent / request() / get() are https.Agent and https.request for the UE; connector() lets
 * undici's fetch() run over ut-tls. See docs/http.md.
 */
export { Server, createServer, type ServerOptions, type RequestListener } from './server.js';
export { Agent, globalAgent, request, get, type AgentOptions, type RequestOptions } from './agent.js';
export { connector, type Connector, type ConnectorOptions, type ConnectorCallOptions, type ConnectorCallback } from './connector.js';
export { SessionCache, DEFAULT_MAX_CACHED_SESSIONS } from './session-cache.js';
