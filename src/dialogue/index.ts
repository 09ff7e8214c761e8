export { gccPhat, syncToGuide, type SyncOptions, type SyncResult } from './sync.js';
export { applySync, type AppliedSync } from './sync-apply.js';
export { stripSilence, STRIP_SILENCE_DEFAULTS, type SoundRegion, type StripSilenceOptions, type StripSilenceResult } from './strip-silence.js';
export { fillGaps, learnRoomTone, ROOM_TONE_FFT, synthesizeRoomTone, type FillResult, type RoomToneProfile } from './room-tone.js';
