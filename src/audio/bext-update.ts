import { open } from 'node:fs/promises';
import { MediaFormatError } from '../errors.js';
import type { BextInfo } from './types.js';
import { scanWav } from './wav-reader.js';

export type BextLoudness = Pick<BextInfo, 'loudnessValue' | 'loudnessRange' | 'maxTruePeakLevel' | 'maxMomentaryLoudness' | 'maxShortTermLoudness'>;

const OFFSETS: [keyof BextLoudness, number][] = [
  ['loudnessValue', 412],
  ['loudnessRange', 414],
  ['maxTruePeakLevel', 416],
  ['maxMomentaryLoudness', 418],
  ['maxShortTermLoudness', 420],
];

/**
 * Writes the five loudness fields (and Version 2) into an existing bext chunk in place. Used on
 * freshly rendered files before they are moved into place; never on originals.
 */
export async function writeBextLoudness(file: string, loudness: BextLoudness): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const { size } = await fh.stat();
    const layout = await scanWav(fh, file, size);
    let pos = 12;
    let bextBody = -1;
    // find the bext body offset (scanWav reports ids, not offsets)
    const header = Buffer.alloc(8);
    for (;;) {
      if (pos + 8 > size) break;
      await fh.read(header, 0, 8, pos);
      const id = header.toString('latin1', 0, 4);
      const chunkSize = header.readUInt32LE(4);
      if (id === 'bext') {
        bextBody = pos + 8;
        break;
      }
      if (id === 'data' && chunkSize === 0xffffffff) pos += 8 + layout.dataBytes + (layout.dataBytes & 1);
      else pos += 8 + chunkSize + (chunkSize & 1);
    }
    if (bextBody < 0) throw new MediaFormatError(file, 'has no bext chunk to update');
    const fields = Buffer.alloc(10);
    OFFSETS.forEach(([key, offset]) => {
      const v = loudness[key];
      fields.writeInt16LE(v === null || !Number.isFinite(v) ? 0x7fff : Math.max(-32768, Math.min(32767, Math.round(v * 100))), offset - 412);
    });
    const version = Buffer.alloc(2);
    version.writeUInt16LE(2, 0);
    await fh.write(version, 0, 2, bextBody + 346);
    await fh.write(fields, 0, 10, bextBody + 412);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
