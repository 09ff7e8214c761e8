export { gccPhat, syncToGuide, type SyncOptions, type SyncResult } from './sync.js';
