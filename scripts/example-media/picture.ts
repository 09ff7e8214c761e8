/**
 * The guide movie's picture: a tiny test card (75% colour bars) with a timecode burn-in drawn as
 * seven-segment digits (no font needed) and a progress bar, as raw RGB24 frames for ffmpeg.
 */
import { framesToLabel } from './timecode.js';

export const WIDTH = 320;
export const HEIGHT = 180;

type Rgb = [number, number, number];

const BARS: Rgb[] = [
  [191, 191, 191],
  [191, 191, 0],
  [0, 191, 191],
  [0, 191, 0],
  [191, 0, 191],
  [191, 0, 0],
  [0, 0, 191],
];

/** Seven-segment patterns, segments in the order a b c d e f g. */
const SEGMENTS: Record<string, string> = {
  '0': 'abcdef', '1': 'bc', '2': 'abdeg', '3': 'abcdg', '4': 'bcfg',
  '5': 'acdfg', '6': 'acdefg', '7': 'abc', '8': 'abcdefg', '9': 'abcdfg',
};

const DIGIT_W = 14;
const DIGIT_H = 24;
const STROKE = 3;
const GAP = 3;
const COLON_W = 7;

function fillRect(img: Buffer, x: number, y: number, w: number, h: number, c: Rgb): void {
  for (let j = Math.max(0, y); j < Math.min(HEIGHT, y + h); j++) {
    for (let i = Math.max(0, x); i < Math.min(WIDTH, x + w); i++) {
      const o = (j * WIDTH + i) * 3;
      img[o] = c[0];
      img[o + 1] = c[1];
      img[o + 2] = c[2];
    }
  }
}

function drawDigit(img: Buffer, x: number, y: number, d: string, c: Rgb): void {
  const half = Math.floor(DIGIT_H / 2);
  const seg: Record<string, [number, number, number, number]> = {
    a: [x, y, DIGIT_W, STROKE],
    b: [x + DIGIT_W - STROKE, y, STROKE, half + 1],
    c: [x + DIGIT_W - STROKE, y + half, STROKE, DIGIT_H - half],
    d: [x, y + DIGIT_H - STROKE, DIGIT_W, STROKE],
    e: [x, y + half, STROKE, DIGIT_H - half],
    f: [x, y, STROKE, half + 1],
    g: [x, y + half - 1, DIGIT_W, STROKE],
  };
  for (const s of SEGMENTS[d] ?? '') fillRect(img, ...seg[s]!, c);
}

function textWidth(text: string): number {
  return [...text].reduce((w, ch) => w + (ch === ':' ? COLON_W : DIGIT_W + GAP), 0);
}

function drawTimecode(img: Buffer, text: string, y: number): void {
  const white: Rgb = [235, 235, 235];
  const w = textWidth(text);
  let x = Math.floor((WIDTH - w) / 2);
  fillRect(img, x - 6, y - 5, w + 12, DIGIT_H + 10, [24, 24, 24]);
  for (const ch of text) {
    if (ch === ':') {
      fillRect(img, x + 1, y + 6, 3, 3, white);
      fillRect(img, x + 1, y + DIGIT_H - 9, 3, 3, white);
      x += COLON_W;
    } else {
      drawDigit(img, x, y, ch, white);
      x += DIGIT_W + GAP;
    }
  }
}

/** Frame k (0-based) of a picture that starts at timecode frame `startFrame`, `count` frames long. */
export function frame(k: number, startFrame: number, count: number): Buffer {
  const img = Buffer.alloc(WIDTH * HEIGHT * 3);
  const barW = WIDTH / BARS.length;
  BARS.forEach((c, i) => fillRect(img, Math.round(i * barW), 0, Math.round((i + 1) * barW) - Math.round(i * barW), 100, c));
  // Pluge-like grey steps under the bars.
  [16, 48, 80, 112, 144, 176, 208, 235].forEach((v, i) => fillRect(img, i * 40, 100, 40, 12, [v, v, v]));
  drawTimecode(img, framesToLabel(startFrame + k), 132);
  fillRect(img, 20, 170, Math.round((280 * (k + 1)) / count), 3, [200, 200, 200]);
  return img;
}

export function* frames(startFrame: number, count: number): Generator<Buffer> {
  for (let k = 0; k < count; k++) yield frame(k, startFrame, count);
}
