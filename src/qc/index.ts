export { runQc, type QcOptions } from './qc.js';
export { renderQcHtml } from './report-html.js';
export * from './types.js';
export * from './package.js';
