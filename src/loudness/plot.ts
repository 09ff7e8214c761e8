import { deflateSync } from 'node:zlib';
import type { LoudnessReport } from './analyze.js';
import type { DeliverySpec } from './specs.js';
import type { LoudnessSeriesPoint } from './types.js';

/**
 * Loudness-over-time plots. One drawing (a list of shapes) is rendered either as SVG text or as a
 * PNG raster (own rasteriser and 5x7 pixel font, so no native graphics dependency).
 */
type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: string; opacity?: number }
  | { kind: 'line'; points: [number, number][]; stroke: string; width: number; dash?: boolean }
  | { kind: 'text'; x: number; y: number; text: string; fill: string; anchor: 'start' | 'middle' | 'end'; size: number };

const W = 1000;
const H = 420;
const M = { left: 60, right: 20, top: 40, bottom: 40 };

function niceStep(span: number, target: number): number {
  const raw = span / target;
  const pow = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** What a plot needs of a measurement (a LoudnessReport has all of it). */
export type PlotSummary = Pick<LoudnessReport, 'file' | 'durationSeconds' | 'integratedLufs' | 'loudnessRangeLu' | 'truePeakDbtp'>;
/** What a plot needs of a spec: the target band. */
export type PlotTarget = Pick<DeliverySpec, 'name' | 'targetLufs' | 'toleranceLu'>;

function drawing(report: PlotSummary, series: LoudnessSeriesPoint[], spec: PlotTarget | undefined, titleText?: string): Shape[] {
  const duration = Math.max(report.durationSeconds, 0.1);
  const values = series.flatMap((p) => [p.momentaryLufs, p.shortTermLufs]).filter((v): v is number => v !== null && v > -100);
  let low = Math.min(-50, ...values.map((v) => Math.floor(v / 5) * 5 - 5));
  let high = Math.max(-5, ...values.map((v) => Math.ceil(v / 5) * 5 + 5));
  if (spec) {
    low = Math.min(low, spec.targetLufs - spec.toleranceLu - 5);
    high = Math.max(high, spec.targetLufs + spec.toleranceLu + 5);
  }
  low = Math.max(low, -80);
  high = Math.min(high, 10);
  const px = (t: number): number => M.left + (t / duration) * (W - M.left - M.right);
  const py = (lufs: number): number => M.top + ((high - Math.max(low, Math.min(high, lufs))) / (high - low)) * (H - M.top - M.bottom);
  const shapes: Shape[] = [{ kind: 'rect', x: 0, y: 0, w: W, h: H, fill: '#ffffff' }];
  for (let v = Math.ceil(low / 5) * 5; v <= high; v += 5) {
    shapes.push({ kind: 'line', points: [[M.left, py(v)], [W - M.right, py(v)]], stroke: '#e0e0e0', width: 1 });
    shapes.push({ kind: 'text', x: M.left - 6, y: py(v) + 4, text: String(v), fill: '#555555', anchor: 'end', size: 11 });
  }
  const step = niceStep(duration, 10);
  for (let t = 0; t <= duration + 1e-9; t += step) {
    shapes.push({ kind: 'line', points: [[px(t), M.top], [px(t), H - M.bottom]], stroke: '#eeeeee', width: 1 });
    shapes.push({ kind: 'text', x: px(t), y: H - M.bottom + 16, text: `${+t.toFixed(2)}s`, fill: '#555555', anchor: 'middle', size: 11 });
  }
  if (spec) {
    const top = py(spec.targetLufs + spec.toleranceLu);
    shapes.push({ kind: 'rect', x: M.left, y: top, w: W - M.left - M.right, h: py(spec.targetLufs - spec.toleranceLu) - top, fill: '#2e7d32', opacity: 0.15 });
    shapes.push({ kind: 'line', points: [[M.left, py(spec.targetLufs)], [W - M.right, py(spec.targetLufs)]], stroke: '#2e7d32', width: 1.5, dash: true });
  }
  const line = (pick: (p: LoudnessSeriesPoint) => number | null, stroke: string, width: number): void => {
    let run: [number, number][] = [];
    for (const p of series) {
      const v = pick(p);
      if (v === null || v < low - 20) {
        if (run.length > 1) shapes.push({ kind: 'line', points: run, stroke, width });
        run = [];
      } else run.push([px(p.timeSeconds), py(v)]);
    }
    if (run.length > 1) shapes.push({ kind: 'line', points: run, stroke, width });
  };
  line((p) => p.momentaryLufs, '#90caf9', 1);
  line((p) => p.shortTermLufs, '#0d47a1', 2);
  if (report.integratedLufs !== null) {
    shapes.push({ kind: 'line', points: [[M.left, py(report.integratedLufs)], [W - M.right, py(report.integratedLufs)]], stroke: '#ef6c00', width: 1.5, dash: true });
  }
  const f = (v: number | null, unit: string): string => (v === null ? '-' : `${v.toFixed(1)} ${unit}`);
  const title = titleText ?? `${report.file.split('/').pop()}  I ${f(report.integratedLufs, 'LUFS')}  LRA ${f(report.loudnessRangeLu, 'LU')}  TP ${f(report.truePeakDbtp, 'dBTP')}${
    spec ? `  spec ${spec.name} ${spec.targetLufs}+-${spec.toleranceLu}` : ''
  }`;
  shapes.push({ kind: 'text', x: M.left, y: 20, text: title, fill: '#111111', anchor: 'start', size: 14 });
  shapes.push({ kind: 'text', x: W - M.right, y: 36, text: 'light: momentary  dark: short-term  orange: integrated', fill: '#555555', anchor: 'end', size: 11 });
  shapes.push({ kind: 'line', points: [[M.left, M.top], [M.left, H - M.bottom], [W - M.right, H - M.bottom]], stroke: '#333333', width: 1 });
  return shapes;
}

const escapeXml = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function toSvg(shapes: Shape[], inline = false): string {
  const body = shapes.map((s) => {
    switch (s.kind) {
      case 'rect':
        return `<rect x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" width="${s.w.toFixed(1)}" height="${s.h.toFixed(1)}" fill="${s.fill}"${s.opacity !== undefined ? ` fill-opacity="${s.opacity}"` : ''}/>`;
      case 'line':
        return `<polyline fill="none" stroke="${s.stroke}" stroke-width="${s.width}"${s.dash ? ' stroke-dasharray="6 4"' : ''} points="${s.points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;
      case 'text':
        return `<text x="${s.x.toFixed(1)}" y="${s.y.toFixed(1)}" fill="${s.fill}" font-size="${s.size}" font-family="sans-serif" text-anchor="${s.anchor}">${escapeXml(s.text)}</text>`;
    }
  });
  // Inside HTML the namespace is implied: no XML declaration and no xmlns (which would be a URL).
  if (inline) return `<svg class="loudness-plot" viewBox="0 0 ${W} ${H}" width="100%" role="img">\n${body.join('\n')}\n</svg>\n`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">\n${body.join('\n')}\n</svg>\n`;
}

// 5x7 pixel font: each glyph is 7 rows of 5 bits (MSB left). Text is drawn upper-case.
const FONT: Record<string, number[]> = {
  '0': [14, 17, 19, 21, 25, 17, 14], '1': [4, 12, 4, 4, 4, 4, 14], '2': [14, 17, 1, 2, 4, 8, 31], '3': [31, 2, 4, 2, 1, 17, 14],
  '4': [2, 6, 10, 18, 31, 2, 2], '5': [31, 16, 30, 1, 1, 17, 14], '6': [6, 8, 16, 30, 17, 17, 14], '7': [31, 1, 2, 4, 8, 8, 8],
  '8': [14, 17, 17, 14, 17, 17, 14], '9': [14, 17, 17, 15, 1, 2, 12], A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30],
  C: [14, 17, 16, 16, 16, 17, 14], D: [28, 18, 17, 17, 17, 18, 28], E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16],
  G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17], I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12],
  K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31], M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17],
  O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16], Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17],
  S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4], U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4],
  W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17], Y: [17, 17, 17, 10, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  '-': [0, 0, 0, 31, 0, 0, 0], '+': [0, 4, 4, 31, 4, 4, 0], '.': [0, 0, 0, 0, 0, 12, 12], ',': [0, 0, 0, 0, 12, 4, 8],
  ':': [0, 12, 12, 0, 12, 12, 0], '_': [0, 0, 0, 0, 0, 0, 31], '/': [1, 1, 2, 4, 8, 16, 16], '%': [24, 25, 2, 4, 8, 19, 3],
  '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8], '=': [0, 0, 31, 0, 31, 0, 0], ' ': [0, 0, 0, 0, 0, 0, 0],
};

class Raster {
  readonly pixels: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.pixels = new Uint8Array(width * height * 3);
  }
  blend(x: number, y: number, rgb: [number, number, number], alpha: number): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 3;
    for (let c = 0; c < 3; c++) this.pixels[i + c] = Math.round(this.pixels[i + c]! * (1 - alpha) + rgb[c]! * alpha);
  }
}

function rgbOf(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function toRaster(shapes: Shape[]): Raster {
  const r = new Raster(W, H);
  for (const s of shapes) {
    if (s.kind === 'rect') {
      const rgb = rgbOf(s.fill);
      for (let y = Math.round(s.y); y < Math.round(s.y + s.h); y++) for (let x = Math.round(s.x); x < Math.round(s.x + s.w); x++) r.blend(x, y, rgb, s.opacity ?? 1);
    } else if (s.kind === 'line') {
      const rgb = rgbOf(s.stroke);
      let travelled = 0;
      for (let k = 1; k < s.points.length; k++) {
        const [x0, y0] = s.points[k - 1]!;
        const [x1, y1] = s.points[k]!;
        const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 2));
        for (let i = 0; i <= steps; i++, travelled += 0.5) {
          if (s.dash && travelled % 10 >= 6) continue;
          const x = x0 + ((x1 - x0) * i) / steps;
          const y = y0 + ((y1 - y0) * i) / steps;
          for (let d = 0; d < Math.max(1, Math.round(s.width)); d++) r.blend(x, y + d - Math.floor(s.width / 2), rgb, 1);
        }
      }
    } else {
      const rgb = rgbOf(s.fill);
      const scale = s.size >= 13 ? 2 : 1;
      const text = s.text.toUpperCase();
      const advance = 6 * scale;
      let x = s.anchor === 'start' ? s.x : s.anchor === 'middle' ? s.x - (text.length * advance) / 2 : s.x - text.length * advance;
      const top = s.y - 7 * scale;
      for (const ch of text) {
        const glyph = FONT[ch] ?? FONT[' ']!;
        glyph.forEach((bits, row) => {
          for (let col = 0; col < 5; col++) {
            if (bits & (16 >> col)) for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) r.blend(x + col * scale + dx, top + row * scale + dy, rgb, 1);
          }
        });
        x += advance;
      }
    }
  }
  return r;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    raw.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), y * (width * 3 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** Momentary and short-term loudness over time, the integrated level and the spec's target band. */
export function renderLoudnessPlot(report: PlotSummary, series: LoudnessSeriesPoint[], spec: PlotTarget | undefined, format: 'svg' | 'png'): string | Buffer {
  const shapes = drawing(report, series, spec);
  if (format === 'svg') return toSvg(shapes);
  const raster = toRaster(shapes);
  return encodePng(raster.width, raster.height, raster.pixels);
}

/**
 * The same plot as an `<svg>` element for embedding in an HTML page (no XML declaration, no
 * namespace URL, scales to the page width). `title` replaces the default title line.
 */
export function renderLoudnessSvgElement(report: PlotSummary, series: LoudnessSeriesPoint[], spec: PlotTarget | undefined, title?: string): string {
  return toSvg(drawing(report, series, spec, title), true);
}
