/**
 * WAVE_FORMAT_EXTENSIBLE speaker masks and post-production channel names. Channels in a WAV stream
 * are always in ascending mask-bit order, which is the SMPTE/ITU order (L R C LFE Ls Rs).
 */

export const SPEAKER = {
  FL: 0x1,
  FR: 0x2,
  FC: 0x4,
  LFE: 0x8,
  BL: 0x10,
  BR: 0x20,
  FLC: 0x40,
  FRC: 0x80,
  BC: 0x100,
  SL: 0x200,
  SR: 0x400,
  TC: 0x800,
  TFL: 0x1000,
  TFC: 0x2000,
  TFR: 0x4000,
  TBL: 0x8000,
  TBC: 0x10000,
  TBR: 0x20000,
} as const;

const BIT_NAMES = [
  'L', 'R', 'C', 'LFE', 'Ls', 'Rs', 'Lc', 'Rc', 'Cs', 'Lss', 'Rss', 'Ts', 'Ltf', 'Ctf', 'Rtf', 'Ltr', 'Ctr', 'Rtr',
];

/** Default masks by channel count for the layouts post delivers; 0 (unassigned) for the rest. */
const DEFAULT_MASKS: Record<number, number> = {
  1: 0x4, // mono = C
  2: 0x3, // L R
  3: 0x7, // L R C
  4: 0x33, // quad L R Ls Rs
  5: 0x37, // 5.0 L R C Ls Rs
  6: 0x3f, // 5.1 L R C LFE Ls Rs
  7: 0x13f, // 6.1 L R C LFE Ls Rs Cs
  8: 0x63f, // 7.1 L R C LFE Lrs Rrs Lss Rss
  10: 0x563f, // 7.1.2 + Ltf Rtf
  12: 0x2d63f, // 7.1.4 + Ltf Rtf Ltr Rtr
};

export const NAMED_LAYOUTS: Record<string, number> = {
  mono: 0x4,
  stereo: 0x3,
  '3.0': 0x7,
  quad: 0x33,
  '5.0': 0x37,
  '5.1': 0x3f,
  '5.1(side)': 0x60f,
  '6.1': 0x13f,
  '7.1': 0x63f,
  '7.1.2': 0x563f,
  '7.1.4': 0x2d63f,
};

export function defaultChannelMask(channels: number): number {
  return DEFAULT_MASKS[channels] ?? 0;
}

/** Number of speaker bits set in a mask. */
export function maskChannelCount(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m !== 0; m >>>= 1) n += m & 1;
  return n;
}

/**
 * Channel names in stream order for a mask. When both back and side pairs are present (7.1) the
 * back pair are the rear surrounds (Lrs Rrs) and the side pair Lss Rss; with only one pair it is
 * Ls Rs whichever bits carry it. Channels beyond the mask's bits are named by index.
 */
export function channelNamesForMask(mask: number, channels: number): string[] {
  const names: string[] = [];
  const m = mask >>> 0;
  const hasBack = (m & (SPEAKER.BL | SPEAKER.BR)) !== 0;
  const hasSide = (m & (SPEAKER.SL | SPEAKER.SR)) !== 0;
  for (let bit = 0; bit < 32 && names.length < channels; bit++) {
    if ((m & (1 << bit)) === 0) continue;
    let name = BIT_NAMES[bit] ?? `Bit${bit}`;
    if (hasBack && hasSide && (bit === 4 || bit === 5)) name = bit === 4 ? 'Lrs' : 'Rrs';
    else if (!hasBack && hasSide && (bit === 9 || bit === 10)) name = bit === 9 ? 'Ls' : 'Rs';
    names.push(name);
  }
  while (names.length < channels) names.push(`Ch${names.length + 1}`);
  return names;
}

/** Channel names for a file without a mask: the default layout for 1-2 channels, indices beyond. */
export function defaultChannelNames(channels: number): string[] {
  if (channels <= 2) return channelNamesForMask(defaultChannelMask(channels), channels);
  return Array.from({ length: channels }, (_, i) => `Ch${i + 1}`);
}

/** Layout names as used by ffmpeg/ffprobe (`channel_layout`) mapped to a mask. */
export function maskForFfmpegLayout(layout: string): number | null {
  const table: Record<string, number> = {
    mono: 0x4,
    stereo: 0x3,
    '2.1': 0xb,
    '3.0': 0x7,
    '3.0(back)': 0x103,
    '4.0': 0x107,
    quad: 0x33,
    'quad(side)': 0x603,
    '3.1': 0xf,
    '5.0': 0x37,
    '5.0(side)': 0x607,
    '4.1': 0x10f,
    '5.1': 0x3f,
    '5.1(side)': 0x60f,
    '6.0': 0x707,
    '6.1': 0x70f,
    '6.1(back)': 0x13f,
    '7.0': 0x637,
    '7.1': 0x63f,
    '7.1(wide)': 0xff,
    '7.1(wide-side)': 0x6cf,
    '5.1.2': 0x560f,
    '5.1.4': 0x2d60f,
    '7.1.2': 0x563f,
    '7.1.4': 0x2d63f,
  };
  return table[layout] ?? null;
}
