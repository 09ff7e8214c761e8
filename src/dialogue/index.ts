export { gccPhat, syncToGuide, type SyncOptions, type SyncResult } from './sync.js';
export { applySync, type AppliedSync } from './sync-apply.js';
