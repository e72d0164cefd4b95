/**
 * Moved: each extension's request, answer and client check live in ./extensions/ (one file each).
 * These names stay importable from here so code written against the old place (the key exchanges)
 * keeps building.
 */
export { noClientRequests, readClientRequests, type ClientRequests } from './extensions/index.js';
