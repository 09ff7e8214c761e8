import { DubstageError } from '../errors.js';

/**
 * Channel-count conversion as a fixed gain matrix (out × in). Only mappings with an agreed meaning:
 * mono to stereo (centred: the same signal on L and R), stereo to mono ((L+R)/2, so a centred
 * source keeps its level), and ITU-R BS.775 Lo/Ro fold-downs of 5.1 and 7.1 (C and surrounds at
 * -3 dB, LFE dropped). Any other change of channel count is refused rather than guessed.
 */
export type ChannelMatrix = number[][];

const M3DB = Math.SQRT1_2;

export function channelMatrix(inLayout: string[], outChannels: number): ChannelMatrix {
  const inChannels = inLayout.length;
  if (inChannels === outChannels) return identity(inChannels);
  if (inChannels === 1 && outChannels === 2) return [[1], [1]];
  if (inChannels === 2 && outChannels === 1) return [[0.5, 0.5]];
  if (inChannels >= 6 && (outChannels === 2 || outChannels === 1)) {
    const stereo = foldToStereo(inLayout);
    if (stereo !== null) return outChannels === 2 ? stereo : [stereo[0]!.map((g, i) => 0.5 * (g + stereo[1]![i]!))];
  }
  throw new DubstageError(
    'usage',
    `no standard mapping from ${inChannels} channels (${inLayout.join(' ')}) to ${outChannels}: supported are 1->2, 2->1 and 5.1/7.1 -> 2 or 1`,
  );
}

function identity(n: number): ChannelMatrix {
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (r === c ? 1 : 0)));
}

/** Lo = L + 0.707 C + 0.707 Ls(+Lss/Lrs); Ro likewise; LFE omitted (BS.775). */
function foldToStereo(layout: string[]): ChannelMatrix | null {
  const left = new Array<number>(layout.length).fill(0);
  const right = new Array<number>(layout.length).fill(0);
  let recognised = 0;
  layout.forEach((name, i) => {
    switch (name) {
      case 'L':
        left[i] = 1;
        break;
      case 'R':
        right[i] = 1;
        break;
      case 'C':
        left[i] = M3DB;
        right[i] = M3DB;
        break;
      case 'Ls':
      case 'Lss':
      case 'Lrs':
        left[i] = M3DB;
        break;
      case 'Rs':
      case 'Rss':
      case 'Rrs':
        right[i] = M3DB;
        break;
      case 'LFE':
        break;
      default:
        return;
    }
    recognised++;
  });
  return recognised === layout.length ? [left, right] : null;
}

export function isIdentity(matrix: ChannelMatrix): boolean {
  return matrix.every((row, r) => row.length === matrix.length && row.every((g, c) => g === (r === c ? 1 : 0)));
}

/** out[o][i] = Σ matrix[o][c] × input[c][i] for `frames` frames. */
export function applyChannelMatrix(matrix: ChannelMatrix, input: Float32Array[], output: Float32Array[], frames: number): void {
  for (let o = 0; o < matrix.length; o++) {
    const row = matrix[o]!;
    const dst = output[o]!;
    let first = true;
    for (let c = 0; c < row.length; c++) {
      const g = row[c]!;
      if (g === 0) continue;
      const src = input[c]!;
      if (first) {
        for (let i = 0; i < frames; i++) dst[i] = g * src[i]!;
        first = false;
      } else {
        for (let i = 0; i < frames; i++) dst[i] = dst[i]! + g * src[i]!;
      }
    }
    if (first) dst.fill(0, 0, frames);
  }
}
