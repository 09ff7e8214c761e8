import type { BextInfo } from './types.js';

/** EBU Tech 3285 v2 `bext`: a 602-byte fixed part in every version, then CodingHistory. */
export const BEXT_FIXED_SIZE = 602;
/** Writers store "not computed" loudness as 0x7FFF. */
const LOUDNESS_UNSET = 0x7fff;

const LOUDNESS_FIELDS = [
  ['loudnessValue', 412],
  ['loudnessRange', 414],
  ['maxTruePeakLevel', 416],
  ['maxMomentaryLoudness', 418],
  ['maxShortTermLoudness', 420],
] as const;

/** Text up to the first NUL (real files carry garbage after it), Latin-1, trailing blanks removed. */
function fixedString(bytes: Uint8Array, offset: number, length: number): string {
  let end = offset;
  const stop = Math.min(offset + length, bytes.length);
  while (end < stop && bytes[end] !== 0) end++;
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset, end - offset).toString('latin1').replace(/[\s]+$/, '');
}

export function emptyBext(): BextInfo {
  return {
    description: '',
    originator: '',
    originatorReference: '',
    originationDate: '',
    originationTime: '',
    timeReference: 0,
    version: 0,
    umid: '',
    loudnessValue: null,
    loudnessRange: null,
    maxTruePeakLevel: null,
    maxMomentaryLoudness: null,
    maxShortTermLoudness: null,
    codingHistory: '',
  };
}

/** Parses a bext chunk body. Returns null when it is shorter than the fixed part. */
export function parseBext(data: Uint8Array): BextInfo | null {
  if (data.length < BEXT_FIXED_SIZE) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const low = view.getUint32(338, true);
  const high = view.getUint32(342, true);
  const version = view.getUint16(346, true);
  const umidBytes = data.subarray(348, 412);
  const umid = umidBytes.every((b) => b === 0) ? '' : Buffer.from(umidBytes).toString('hex');
  const bext: BextInfo = {
    ...emptyBext(),
    description: fixedString(data, 0, 256),
    originator: fixedString(data, 256, 32),
    originatorReference: fixedString(data, 288, 32),
    originationDate: fixedString(data, 320, 10),
    originationTime: fixedString(data, 330, 8),
    timeReference: high * 4294967296 + low,
    version,
    umid: version >= 1 ? umid : '',
    codingHistory: fixedString(data, BEXT_FIXED_SIZE, data.length - BEXT_FIXED_SIZE),
  };
  // In version 0/1 these bytes are reserved; ignore whatever they hold.
  if (version >= 2) {
    for (const [key, offset] of LOUDNESS_FIELDS) {
      const raw = view.getInt16(offset, true);
      bext[key] = raw === LOUDNESS_UNSET ? null : raw / 100;
    }
  }
  return bext;
}

function putString(out: Buffer, offset: number, length: number, text: string): void {
  out.write(text.slice(0, length), offset, length, 'latin1');
}

/** Serialises a bext body. Version is 2 when any loudness field is set, 1 with a UMID, else 0. */
export function serializeBext(fields: Partial<BextInfo>): Buffer {
  const b: BextInfo = { ...emptyBext(), ...fields };
  const hasLoudness = LOUDNESS_FIELDS.some(([key]) => b[key] !== null && b[key] !== undefined);
  const version = hasLoudness ? 2 : b.umid ? 1 : 0;
  let history = b.codingHistory;
  if (history !== '' && !history.endsWith('\r\n')) history += '\r\n';
  const historyBytes = Buffer.from(history, 'latin1');
  const out = Buffer.alloc(BEXT_FIXED_SIZE + historyBytes.length);
  putString(out, 0, 256, b.description);
  putString(out, 256, 32, b.originator);
  putString(out, 288, 32, b.originatorReference);
  putString(out, 320, 10, b.originationDate);
  putString(out, 330, 8, b.originationTime);
  const tr = Math.max(0, Math.floor(b.timeReference));
  out.writeUInt32LE(tr % 4294967296, 338);
  out.writeUInt32LE(Math.floor(tr / 4294967296), 342);
  out.writeUInt16LE(version, 346);
  if (b.umid) Buffer.from(b.umid, 'hex').copy(out, 348, 0, 64);
  // Version 0/1 readers see these bytes as reserved: leave them zero.
  for (const [key, offset] of hasLoudness ? LOUDNESS_FIELDS : []) {
    const value = b[key];
    const raw = value === null || value === undefined || !Number.isFinite(value) ? LOUDNESS_UNSET : Math.round(value * 100);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, raw)), offset);
  }
  historyBytes.copy(out, BEXT_FIXED_SIZE);
  return out;
}

/** An EBU R 98 coding-history line, e.g. `A=PCM,F=48000,W=24,M=stereo,T=dubstage 0.1.0`. */
export function codingHistoryLine(sampleRate: number, bits: number, channels: number, text: string): string {
  const mode = channels === 1 ? 'mono' : channels === 2 ? 'stereo' : 'multichannel';
  return `A=PCM,F=${sampleRate},W=${bits},M=${mode},T=${text.replace(/[\r\n,]/g, ' ')}\r\n`;
}
