/**
 * EBU Tech 3341 / 3342 (and BS.1770 / BS.2217-like) compliance of the loudness meter, on signals
 * synthesized here from their published definitions (test/support/ebu-signals.ts), written as WAV
 * files at 44.1, 48 and 96 kHz in 16-bit, 24-bit and float and measured with measureLoudnessFile.
 *
 * Primary assertions use the published tolerances (I, M, S ±0.1 LU; true peak +0.2/-0.4 dB; LRA
 * ±1 LU). Where the reference gives synthesized values (I of 3341 cases 1-6, LRA of 3342 cases
 * 1-4) they are asserted too, at ±0.02 LU / ±0.1 LU. Every measurement is printed as a TAP
 * diagnostic ("measured <case> @<rate> <format>: ..."), the source of docs/loudness-compliance.md.
 *
 * Each case's signal is generated once per rate and written in the three formats; files are
 * removed as soon as they are measured. Nothing runs in parallel. To keep the suite fast, true peak
 * is measured only in the cases that check it (it costs ~10x the loudness path on steady tones), and
 * 16-bit files are dithered (the writer's seeded TPDF) only where the signal goes near the noise
 * floor (3341-4, the BS.2217 gate tests); elsewhere dither at -101 dBFS cannot move a reading and
 * would cost a third of the write time.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { readAudioFile } from '../src/audio/open.js';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { LoudnessMeter, measureLoudnessFile, type LoudnessResult, type LoudnessSeriesPoint } from '../src/loudness/index.js';
import {
  absGateTest,
  framesOf,
  interSamplePeakSignal,
  RATES,
  relGateTest,
  stereo,
  steps,
  tone,
  toneSequence,
  truePeakTone,
  type Segment,
} from './support/ebu-signals.js';
import { tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-loudness-compliance-');
after(() => dir.cleanup());

// ---------------------------------------------------------------------------------------------
// Tolerances
// ---------------------------------------------------------------------------------------------

/** Tech 3341: integrated, momentary, short-term. */
const TOL_LU = 0.1;
/** Tech 3341: true peak, expected − 0.4 ≤ measured ≤ expected + 0.2. */
const TP_UP = 0.2;
const TP_DOWN = 0.4;
/** Tech 3342: loudness range. */
const TOL_LRA = 1;
/** Synthesized-value checks (reference §6.5): integrated, LRA. */
const TIGHT_I = 0.02;
const TIGHT_LRA = 0.1;
/** Float rounding slack on every comparison. */
const EPS = 1e-9;

const FORMATS = [
  { label: '16-bit', bitDepth: 16 },
  { label: '24-bit', bitDepth: 24 },
  { label: 'float', bitDepth: 32 },
] as const;
type Format = (typeof FORMATS)[number];

// ---------------------------------------------------------------------------------------------
// Fixtures, measurement, assertions
// ---------------------------------------------------------------------------------------------

interface Fixture {
  name: string;
  planar: Float32Array[];
  channelMask?: number;
  /** Write the 16-bit file with TPDF dither (default: plain rounding; 24-bit and float never dithered). */
  dither16?: boolean;
  /** Only at these rates (default: all). */
  rates?: readonly number[];
}

interface Measured {
  r: LoudnessResult & { file: string };
  /** The same file measured again with `CaseSpec.again` options. */
  again?: LoudnessResult;
  series: LoudnessSeriesPoint[];
  /** Decoded samples and layout, for cases that also feed a LoudnessMeter directly. */
  decoded?: { channels: Float32Array[]; layout: string[] };
}

interface Ctx {
  t: TestContext;
  fs: number;
  format: Format;
  fixture: Fixture;
  m: Measured;
  /** "3341-1 @48000 16-bit" */
  label: string;
}

interface CaseSpec {
  id: string;
  title: string;
  build(fs: number): Fixture[];
  series?: boolean;
  decode?: boolean;
  /** Measure true peak (default false: only the cases that check it pay for it). */
  truePeak?: boolean;
  /** Measure the file a second time with these options (e.g. dual mono). */
  again?: { dualMono?: boolean };
  check(ctx: Ctx): void;
}

let fileCounter = 0;

async function measure(fixture: Fixture, fs: number, format: Format, spec: CaseSpec): Promise<Measured> {
  const path = join(dir.path, `${fileCounter++}-${fixture.name}-${fs}-${format.label}.wav`);
  await writeWavFile(path, fixture.planar, {
    sampleRate: fs,
    bitDepth: format.bitDepth,
    dither: format.bitDepth === 16 && fixture.dither16 === true,
    ditherSeed: 3341,
    channelMask: fixture.channelMask,
  });
  try {
    const series: LoudnessSeriesPoint[] = [];
    const truePeak = spec.truePeak === true;
    const r = await measureLoudnessFile(path, { truePeak, onSeries: spec.series ? (p) => series.push(p) : undefined });
    const m: Measured = { r, series };
    if (spec.again) m.again = await measureLoudnessFile(path, { truePeak, ...spec.again });
    if (spec.decode) {
      const { info, channels } = await readAudioFile(path);
      m.decoded = { channels, layout: info.channelLayout };
    }
    return m;
  } finally {
    await rm(path, { force: true });
  }
}

const f3 = (v: number | null | undefined): string => (v === null || v === undefined ? 'null' : v.toFixed(3));

function summary(r: LoudnessResult): string {
  return (
    `I ${f3(r.integratedLufs)} | M ${f3(r.maxMomentaryLufs)} | S ${f3(r.maxShortTermLufs)} | ` +
    `LRA ${f3(r.loudnessRangeLu)} | TP ${f3(r.truePeakDbtp)} | SP ${f3(r.samplePeakDbfs)}`
  );
}

function near(actual: number | null, expected: number, tol: number, what: string): void {
  assert.ok(actual !== null, `${what}: got null, expected ${expected.toFixed(3)} ±${tol}`);
  const dev = actual - expected;
  assert.ok(
    Math.abs(dev) <= tol + EPS,
    `${what}: ${actual.toFixed(4)}, expected ${expected.toFixed(3)} ±${tol} (off by ${dev >= 0 ? '+' : ''}${dev.toFixed(4)})`,
  );
}

function truePeakWithin(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null, `${what}: true peak is null, expected ${expected} dBTP`);
  assert.ok(
    actual >= expected - TP_DOWN - EPS && actual <= expected + TP_UP + EPS,
    `${what}: true peak ${actual.toFixed(4)} dBTP outside ${expected} +${TP_UP}/-${TP_DOWN} (off by ${(actual - expected).toFixed(4)})`,
  );
}

/** Every series value with from ≤ t ≤ to (seconds) within ±tol of expected. */
function seriesWithin(series: LoudnessSeriesPoint[], key: 'momentaryLufs' | 'shortTermLufs', from: number, to: number, expected: number, what: string): string {
  const points = series.filter((p) => p.timeSeconds >= from - EPS && p.timeSeconds <= to + EPS);
  assert.ok(points.length > 0, `${what}: no series points between ${from} and ${to} s`);
  let lo = Infinity;
  let hi = -Infinity;
  const bad: string[] = [];
  for (const p of points) {
    const v = p[key];
    if (v === null || Math.abs(v - expected) > TOL_LU + EPS) bad.push(`${p.timeSeconds.toFixed(2)} s: ${f3(v)}`);
    if (v !== null) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  assert.equal(bad.length, 0, `${what}: ${bad.length}/${points.length} values outside ${expected} ±${TOL_LU}: ${bad.slice(0, 8).join(', ')}`);
  return `${f3(lo)}..${f3(hi)} (${points.length} values, ${from}-${to} s)`;
}

/** No -Infinity / NaN anywhere; JSON round trip is lossless. */
function assertJsonSafe(r: LoudnessResult, what: string): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') assert.ok(Number.isFinite(v), `${what}: ${path} is ${v}`);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(r, 'result');
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, `${what}: JSON round trip changed the result`);
}

// ---------------------------------------------------------------------------------------------
// Case table
// ---------------------------------------------------------------------------------------------

const single = (name: string, planar: Float32Array[], extra: Partial<Fixture> = {}): Fixture[] => [{ name, planar, ...extra }];

/** Integrated-loudness cases with a published −23.0 ±0.1 and a synthesized value (reference §6.5). */
function integratedCase(id: string, title: string, levels: ReadonlyArray<readonly [number, number]>, synthesized: number, extra: { dither16?: boolean } = {}): CaseSpec {
  return {
    id,
    title,
    build: (fs) => single(id, steps(levels, fs), { dither16: extra.dither16 }),
    check: ({ m, label }) => {
      near(m.r.integratedLufs, -23, TOL_LU, `${label} integrated`);
      near(m.r.integratedLufs, synthesized, TIGHT_I, `${label} integrated vs synthesized value`);
    },
  };
}

/** Cases 1 and 2: steady tone, M, S and I all at the level (M after 1 s, S after 3 s). */
function steadyCase(id: string, dbfs: number, synthesized: number): CaseSpec {
  return {
    id,
    title: `Tech 3341 case ${id.split('-')[1]}: stereo 1 kHz ${dbfs} dBFS, 20 s: M, S, I = ${dbfs}`,
    series: true,
    build: (fs) => single(id, steps([[dbfs, 20]], fs)),
    check: ({ t, m, label }) => {
      near(m.r.integratedLufs, dbfs, TOL_LU, `${label} integrated`);
      near(m.r.integratedLufs, synthesized, TIGHT_I, `${label} integrated vs synthesized value`);
      near(m.r.maxMomentaryLufs, dbfs, TOL_LU, `${label} max momentary`);
      near(m.r.maxShortTermLufs, dbfs, TOL_LU, `${label} max short-term`);
      const mRange = seriesWithin(m.series, 'momentaryLufs', 1, 20, dbfs, `${label} momentary`);
      const sRange = seriesWithin(m.series, 'shortTermLufs', 3, 20, dbfs, `${label} short-term`);
      t.diagnostic(`series ${label}: M ${mRange}; S ${sRange}`);
    },
  };
}

/** Tech 3342 cases 1-4: 20 s per level, LRA ±1 LU (published) and ±0.1 LU (synthesized value). */
function lraCase(n: number, levels: number[], expected: number): CaseSpec {
  const id = `3342-${n}`;
  return {
    id,
    title: `Tech 3342 case ${n}: stereo 1 kHz ${levels.join(', ')} dBFS, 20 s each: LRA = ${expected} LU`,
    build: (fs) => single(id, steps(levels.map((l) => [l, 20] as const), fs)),
    check: ({ m, label }) => {
      near(m.r.loudnessRangeLu, expected, TOL_LRA, `${label} loudness range`);
      near(m.r.loudnessRangeLu, expected, TIGHT_LRA, `${label} loudness range vs synthesized value`);
    },
  };
}

/** Tech 3341 cases 15-19. */
function truePeakCase(n: number, divisor: 4 | 6 | 8, amplitude: number, phaseDeg: number, expected: number): CaseSpec {
  const id = `3341-${n}`;
  // Sample peak of the synthesized signal: the largest |sin| on the sample grid.
  let grid = 0;
  for (let k = 0; k < divisor; k++) grid = Math.max(grid, Math.abs(Math.sin((2 * Math.PI * k) / divisor + (phaseDeg * Math.PI) / 180)));
  const samplePeak = 20 * Math.log10(amplitude * grid);
  return {
    id,
    title: `Tech 3341 case ${n}: stereo sine at fs/${divisor}, amplitude ${amplitude}, phase ${phaseDeg}°, 1 s, 10 ms fades: TP = ${expected >= 0 ? '+' : ''}${expected.toFixed(1)} dBTP`,
    truePeak: true,
    build: (fs) => single(id, stereo(truePeakTone(fs, divisor, amplitude, phaseDeg))),
    check: ({ m, label }) => {
      truePeakWithin(m.r.truePeakDbtp, expected, label);
      near(m.r.samplePeakDbfs, samplePeak, 0.01, `${label} sample peak`);
    },
  };
}

const SAMPLE_PEAK_20_23 = [-0.548, -2.636, -0.548, -0.153];

const CASES: CaseSpec[] = [
  steadyCase('3341-1', -23, -22.993),
  steadyCase('3341-2', -33, -32.993),
  integratedCase('3341-3', 'Tech 3341 case 3: stereo 1 kHz −36 / −23 / −36 dBFS (10 / 60 / 10 s): I = −23.0 (relative gate)', [[-36, 10], [-23, 60], [-36, 10]], -23.014),
  integratedCase(
    '3341-4',
    'Tech 3341 case 4: stereo 1 kHz −72 / −36 / −23 / −36 / −72 dBFS (10 / 10 / 60 / 10 / 10 s): I = −23.0 (absolute + relative gate)',
    [[-72, 10], [-36, 10], [-23, 60], [-36, 10], [-72, 10]],
    -23.014,
    { dither16: true },
  ),
  integratedCase('3341-5', 'Tech 3341 case 5: stereo 1 kHz −26 / −20 / −26 dBFS (20 / 20.1 / 20 s): I = −23.0', [[-26, 20], [-20, 20.1], [-26, 20]], -22.979),
  {
    id: '3341-6',
    title: 'Tech 3341 case 6: 1 kHz 20 s, L R −28, C −24, Ls Rs −30 dBFS (5.0 mask 0x37, and 0x607 at 48 kHz; 5.1 WAVEEX with a loud LFE at index 3): I = −23.0',
    build: (fs) => {
      const front = tone(-28, 20, fs);
      const centre = tone(-24, 20, fs);
      const surround = tone(-30, 20, fs);
      const lfe = tone(-6, 20, fs, 60); // loud: read as a full-weight channel it would dominate
      return [
        { name: '3341-6-5ch-0x37', planar: [front, front, centre, surround, surround], channelMask: 0x37 },
        // the side-surround mask (read as Ls Rs too) at 48 kHz only, to save time
        { name: '3341-6-5ch-0x607', planar: [front, front, centre, surround, surround], channelMask: 0x607, rates: [48000] },
        { name: '3341-6-6ch-WAVEEX-0x3F', planar: [front, front, centre, lfe, surround, surround], channelMask: 0x3f },
      ];
    },
    check: ({ m, label, fixture }) => {
      near(m.r.integratedLufs, -23, TOL_LU, `${label} ${fixture.name} integrated`);
      near(m.r.integratedLufs, -23.016, TIGHT_I, `${label} ${fixture.name} integrated vs synthesized value`);
    },
  },
  {
    id: '3341-9',
    title: 'Tech 3341 case 9: stereo 1 kHz, 5 × [1.34 s at −20, 1.66 s at −30 dBFS]: S = −23.0, constant after 3 s',
    series: true,
    build: (fs) => single('3341-9', steps(Array.from({ length: 5 }, () => [[-20, 1.34], [-30, 1.66]] as const).flat(), fs)),
    check: ({ t, m, label }) => {
      const range = seriesWithin(m.series, 'shortTermLufs', 3, 15, -23, `${label} short-term`);
      near(m.r.maxShortTermLufs, -23, TOL_LU, `${label} max short-term`);
      t.diagnostic(`series ${label}: S ${range}`);
    },
  },
  {
    id: '3341-10',
    title: 'Tech 3341 case 10: 20 files, i·0.15 s silence + 3 s 1 kHz at −23 dBFS + 1 s silence: max S = −23.0 in each',
    build: (fs) =>
      Array.from({ length: 20 }, (_, i) => ({
        name: `3341-10-${String(i + 1).padStart(2, '0')}`,
        planar: steps([[null, i * 0.15], [-23, 3], [null, 1]], fs),
      })),
    check: ({ m, label, fixture }) => near(m.r.maxShortTermLufs, -23, TOL_LU, `${label} ${fixture.name} max short-term`),
  },
  {
    id: '3341-11',
    title: 'Tech 3341 case 11: 20 × [i·0.15 s silence, 3 s at (−38 + i) dBFS, (3 − i·0.15) s silence]: running max S = −38 … −19 at each 6 s step',
    series: true,
    build: (fs) => {
      const segments: Segment[] = [];
      for (let i = 0; i < 20; i++) segments.push({ dbfs: null, seconds: i * 0.15 }, { dbfs: -38 + i, seconds: 3 }, { dbfs: null, seconds: 3 - i * 0.15 });
      return single('3341-11', stereo(toneSequence(segments, fs)));
    },
    check: ({ t, m, label }) => {
      const readings: string[] = [];
      const bad: string[] = [];
      let runningMax = -Infinity;
      let next = 0;
      for (let i = 0; i < 20; i++) {
        const end = 6 * (i + 1);
        for (; next < m.series.length && m.series[next]!.timeSeconds <= end + EPS; next++) {
          const s = m.series[next]!.shortTermLufs;
          if (s !== null && s > runningMax) runningMax = s;
        }
        readings.push(runningMax.toFixed(3));
        if (!(Math.abs(runningMax - (-38 + i)) <= TOL_LU + EPS)) bad.push(`step ${i + 1} (${-38 + i} dBFS, t = ${end} s): ${runningMax.toFixed(4)}`);
      }
      t.diagnostic(`steps ${label}: running max S ${readings.join(' ')}`);
      assert.equal(bad.length, 0, `${label} running max short-term outside ±${TOL_LU}: ${bad.join('; ')}`);
      near(m.r.maxShortTermLufs, -19, TOL_LU, `${label} max short-term`);
    },
  },
  {
    id: '3341-12',
    title: 'Tech 3341 case 12: stereo 1 kHz, 25 × [0.18 s at −20, 0.22 s at −30 dBFS]: M = −23.0, constant after 1 s',
    series: true,
    build: (fs) => single('3341-12', steps(Array.from({ length: 25 }, () => [[-20, 0.18], [-30, 0.22]] as const).flat(), fs)),
    check: ({ t, m, label }) => {
      const range = seriesWithin(m.series, 'momentaryLufs', 1, 10, -23, `${label} momentary`);
      near(m.r.maxMomentaryLufs, -23, TOL_LU, `${label} max momentary`);
      t.diagnostic(`series ${label}: M ${range}`);
    },
  },
  {
    id: '3341-13',
    title: 'Tech 3341 case 13: 20 files, i·0.02 s silence + 0.4 s 1 kHz at −23 dBFS + 1 s silence: max M = −23.0 in each (needs 100 Hz M)',
    build: (fs) =>
      Array.from({ length: 20 }, (_, i) => ({
        name: `3341-13-${String(i + 1).padStart(2, '0')}`,
        planar: steps([[null, i * 0.02], [-23, 0.4], [null, 1]], fs),
      })),
    check: ({ m, label, fixture }) => near(m.r.maxMomentaryLufs, -23, TOL_LU, `${label} ${fixture.name} max momentary`),
  },
  {
    id: '3341-14',
    title: 'Tech 3341 case 14: 20 × [i·0.02 s silence, 0.4 s at (−38 + i) dBFS, (0.4 − i·0.02) s silence]: max M = −38 … −19 per 0.8 s step',
    decode: true,
    build: (fs) => {
      const segments: Segment[] = [];
      for (let i = 0; i < 20; i++) segments.push({ dbfs: null, seconds: i * 0.02 }, { dbfs: -38 + i, seconds: 0.4 }, { dbfs: null, seconds: 0.4 - i * 0.02 });
      return single('3341-14', stereo(toneSequence(segments, fs)));
    },
    check: ({ t, m, label, fs }) => {
      near(m.r.maxMomentaryLufs, -19, TOL_LU, `${label} max momentary (whole file)`);
      // The file-level maximum only shows the last step; each 0.8 s step is metered on its own
      // (fresh LoudnessMeter on the decoded samples, same 10 ms grid since 0.8 s is whole frames),
      // and the running maximum over the steps must follow −38 … −19.
      const { channels, layout } = m.decoded!;
      const readings: string[] = [];
      const bad: string[] = [];
      let runningMax = -Infinity;
      for (let i = 0; i < 20; i++) {
        const start = framesOf(0.8 * i, fs);
        const end = framesOf(0.8 * (i + 1), fs);
        const meter = new LoudnessMeter({ sampleRate: fs, channelLayout: layout, truePeak: false });
        meter.process(channels.map((c) => c.subarray(start, end)), end - start);
        const stepMax = meter.finish().maxMomentaryLufs;
        if (stepMax !== null && stepMax > runningMax) runningMax = stepMax;
        readings.push(f3(stepMax));
        if (stepMax === null || !(Math.abs(runningMax - (-38 + i)) <= TOL_LU + EPS)) bad.push(`step ${i + 1} (${-38 + i} dBFS): ${f3(stepMax)}, running max ${runningMax.toFixed(4)}`);
      }
      t.diagnostic(`steps ${label}: max M per step ${readings.join(' ')}`);
      assert.equal(bad.length, 0, `${label} max momentary outside ±${TOL_LU}: ${bad.join('; ')}`);
    },
  },
  truePeakCase(15, 4, 0.5, 0, -6),
  truePeakCase(16, 4, 0.5, 45, -6),
  truePeakCase(17, 6, 0.5, 60, -6),
  truePeakCase(18, 8, 0.5, 67.5, -6),
  truePeakCase(19, 4, 1.41, 45, 3),
  ...([0, 1, 2, 3] as const).map(
    (offset): CaseSpec => ({
      id: `3341-${20 + offset}`,
      title: `Tech 3341 case ${20 + offset} (single-source recipe): fs/6 at 0.5 with one fs/4 period at 1.0, synthesized at 4·fs, low-passed, decimated at offset ${offset}: TP = 0.0 dBTP`,
      truePeak: true,
      build: (fs) => single(`3341-${20 + offset}`, stereo(interSamplePeakSignal(fs, offset))),
      check: ({ m, label }) => {
        truePeakWithin(m.r.truePeakDbtp, 0, label);
        near(m.r.samplePeakDbfs, SAMPLE_PEAK_20_23[offset]!, 0.01, `${label} sample peak`);
      },
    }),
  ),
  lraCase(1, [-20, -30], 10),
  lraCase(2, [-20, -15], 5),
  lraCase(3, [-40, -20], 20),
  lraCase(4, [-50, -35, -20, -35, -50], 15),
  {
    id: 'BS2217-RelGate',
    title: 'BS.2217-like 1770Comp_2_RelGateTest (synthesized, ±1 LSB noise, −19.90 / −7.10 / −19.90 dBFS bursts): I = −10.0',
    build: (fs) => single('BS2217-RelGate', relGateTest(fs), { dither16: true }),
    check: ({ m, label }) => near(m.r.integratedLufs, -10, TOL_LU, `${label} integrated`),
  },
  {
    id: 'BS2217-AbsGate',
    title: 'BS.2217-like 1770Comp_2_AbsGateTest (synthesized, ±1 LSB noise, three 0.5 s bursts at −69.48 dBFS): I = −69.5',
    build: (fs) => single('BS2217-AbsGate', absGateTest(fs), { dither16: true }),
    check: ({ m, label }) => near(m.r.integratedLufs, -69.5, TOL_LU, `${label} integrated`),
  },
  {
    id: 'anchor-997',
    title: 'BS.1770 anchor: 997 Hz 0 dBFS sine, 5 s, on one front channel reads −3.01 LKFS (stereo L only; 5.0 C only at 48 kHz)',
    build: (fs) => {
      const sine = tone(0, 5, fs, 997);
      const zero = new Float32Array(sine.length);
      return [
        { name: 'anchor-997-stereo-L', planar: [sine, zero] },
        { name: 'anchor-997-5ch-C', planar: [zero, zero, sine, zero, zero], channelMask: 0x37, rates: [48000] },
      ];
    },
    check: ({ m, label, fixture }) => {
      near(m.r.integratedLufs, -3.01, TOL_LU, `${label} ${fixture.name} integrated`);
      near(m.r.integratedLufs, -3.0103, TIGHT_I, `${label} ${fixture.name} integrated vs synthesized value`);
    },
  },
  {
    id: 'mono-997',
    title: 'Mono file (mask C), 997 Hz 0 dBFS, 5 s: counted once −3.01 LKFS; with dualMono +3.01 dB (0.00 LKFS)',
    again: { dualMono: true },
    build: (fs) => single('mono-997', [tone(0, 5, fs, 997)]),
    check: ({ t, m, label }) => {
      assert.equal(m.r.channels, 1);
      near(m.r.integratedLufs, -3.01, TOL_LU, `${label} integrated (mono counted once)`);
      near(m.r.integratedLufs, -3.0103, TIGHT_I, `${label} integrated (mono counted once) vs synthesized value`);
      const dual = m.again!.integratedLufs;
      t.diagnostic(`measured ${label} dualMono: ${summary(m.again!)}`);
      near(dual, 0, TOL_LU, `${label} integrated (dual mono)`);
      near(dual === null ? null : dual - m.r.integratedLufs!, 10 * Math.log10(2), 0.001, `${label} dual mono minus single`);
    },
  },
  {
    id: 'silence',
    title: 'Digital silence, stereo 5 s: integrated, LRA, M, S and peaks null, with a note; JSON-safe',
    truePeak: true,
    build: (fs) => single('silence', stereo(new Float32Array(framesOf(5, fs)))),
    check: ({ m, label }) => {
      assert.equal(m.r.integratedLufs, null, `${label} integrated`);
      assert.ok(m.r.notes.length > 0, `${label}: no note explains the null integrated loudness`);
      assert.equal(m.r.loudnessRangeLu, null, `${label} loudness range`);
      assert.equal(m.r.maxMomentaryLufs, null, `${label} max momentary`);
      assert.equal(m.r.maxShortTermLufs, null, `${label} max short-term`);
      assert.equal(m.r.truePeakDbtp, null, `${label} true peak`);
      assert.equal(m.r.samplePeakDbfs, null, `${label} sample peak`);
      assertJsonSafe(m.r, label);
    },
  },
  {
    id: 'short-300ms',
    title: 'A 300 ms file (stereo 1 kHz −23 dBFS): no complete 400 ms block, integrated null with a note; JSON-safe',
    truePeak: true,
    build: (fs) => single('short-300ms', steps([[-23, 0.3]], fs)),
    check: ({ m, label }) => {
      assert.equal(m.r.frames, framesOf(0.3, m.r.sampleRate));
      assert.equal(m.r.integratedLufs, null, `${label} integrated`);
      assert.ok(m.r.notes.some((n) => /400 ms/.test(n)), `${label}: no note about the 400 ms block (notes: ${JSON.stringify(m.r.notes)})`);
      assert.equal(m.r.maxMomentaryLufs, null, `${label} max momentary`);
      assert.equal(m.r.loudnessRangeLu, null, `${label} loudness range`);
      truePeakWithin(m.r.truePeakDbtp, -23, label);
      assertJsonSafe(m.r, label);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Runner: case > rate > format, each its own subtest; multi-file cases get one subtest per file.
// ---------------------------------------------------------------------------------------------

for (const spec of CASES) {
  describe(spec.title, () => {
    for (const fs of RATES) {
      describe(`${fs / 1000} kHz`, () => {
        let fixtures: Fixture[] | null = null; // generated once per rate, written in each format
        after(() => {
          fixtures = null;
        });
        for (const format of FORMATS) {
          it(format.label, async (t) => {
            fixtures ??= spec.build(fs).filter((f) => !f.rates || f.rates.includes(fs));
            const label = `${spec.id} @${fs} ${format.label}`;
            const run = async (tc: TestContext, fixture: Fixture): Promise<void> => {
              const m = await measure(fixture, fs, format, spec);
              const name = fixtures!.length > 1 ? ` ${fixture.name}` : '';
              tc.diagnostic(`measured ${label}${name}: ${summary(m.r)}`);
              assertJsonSafe(m.r, label);
              spec.check({ t: tc, fs, format, fixture, m, label });
            };
            if (fixtures.length === 1) await run(t, fixtures[0]!);
            else for (const fixture of fixtures) await t.test(fixture.name, (tc) => run(tc, fixture));
          });
        }
      });
    }
  });
}
