/**
 * make-example-media: regenerates the bundled example scene in examples/scene12/.
 *
 *   npm run example-media            # build, then write examples/scene12/ (refuses to overwrite)
 *   npm run example-media -- --force # replace existing files
 *   node dist/scripts/make-example-media.js [--force] [--out DIR]
 *
 * Needs:
 *   - espeak-ng on PATH for the dialogue (Debian/Ubuntu: `apt-get install -y espeak-ng`);
 *   - ffmpeg, found by src/audio/ffmpeg-binary.ts (the binary shipped by `npm ci` in
 *     @ffmpeg-installer/<platform>), to resample espeak's 22.05 kHz output and to encode the
 *     guide movie (H.264 + AAC in MOV), the background (MP3) and the music cue (FLAC).
 *
 * What it makes (ShortFilm, scene 12, take 3; 23.976 fps NDF timecode): production dialogue on
 * a boom and a lav (BWF with bext + iXML, time-of-day timecode), the picture editor's guide
 * movie, one ADR take of line 2, hard effects, foley, a background and a music cue, plus
 * scene12.json: every event's position in samples, the ground truth for tests and demos.
 * docs/example-media.md describes the scene.
 *
 * Everything is synthesised here: speech by espeak-ng, all the rest (rooms, hum, noise, clicks,
 * plosive, breaths, effects, ambience, music) by the TypeScript DSP in scripts/example-media/.
 * The output is deterministic: every noise source has its own seeded generator, the WAV writer's
 * dither is seeded, and the encoders run single-threaded with fixed options and bit-exact
 * flags. Running twice on the same machine gives identical bytes; another espeak-ng or ffmpeg
 * version may give slightly different speech or encoded files (the WAV timings do not depend on
 * the encoders, but the speech durations do depend on espeak-ng: scene12.json is rewritten).
 */
import { mkdir, mkdtemp, rename, rm, stat, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeWavFile } from '../src/audio/wav-writer.js';
import { ambience } from './example-media/ambience.js';
import { BAR, BEAT, BPM, CHORDS, FADE_OUT_SECONDS, music, PEAK_DBFS as MX_PEAK, RATE as MX_RATE } from './example-media/music.js';
import { frames, HEIGHT, WIDTH } from './example-media/picture.js';
import { rng } from './example-media/rng.js';
import { adr, ADR_VOICES, CAST, guide, GUIDE_FRAMES, GUIDE_SOURCE_IN, HUM, LAV_DELAY, production, type Span } from './example-media/scene.js';
import { bagDown, doorClose, footsteps, glassSetDown, type Effect } from './example-media/sfx.js';
import { espeakVersion, ffmpeg, ffmpegVersion, interleaveF32 } from './example-media/tools.js';
import { labelToSamples, samplesToLabel, SAMPLES_PER_FRAME } from './example-media/timecode.js';

const RATE = 48000;
const PROJECT = 'ShortFilm';
const SCENE = '12';
const TAKE = '3';
const TAPE = 'SR03';
const RECORDER = 'FR-8 field recorder';
/** Time-of-day timecode of the production take's first sample. */
const TAKE_TC = '14:23:10:00';
const TAKE_TR = labelToSamples(TAKE_TC); // 1,242,960 frames x 2002 = 2,488,405,920
/** Program start of the cut (the guide movie). */
const PROGRAM_TC = '01:00:00:00';
const PROGRAM_TR = labelToSamples(PROGRAM_TC); // 86,400 frames x 2002 = 172,972,800

const FILES = {
  boom: 'production/SC12_T03_BOOM.wav',
  lav: 'production/SC12_T03_LAV1.wav',
  guide: 'guide/SC12_GUIDE.mov',
  adr: 'adr/SC12_ADR_L2_T1.wav',
  door: 'fx/DOOR_CLOSE.wav',
  glass: 'fx/GLASS_SET_DOWN.wav',
  steps: 'foley/FOLEY_FOOTSTEPS.wav',
  bag: 'foley/FOLEY_BAG_DOWN.wav',
  bg: 'bg/BG_APT_CITY.mp3',
  music: 'music/MX_CUE_1M1.flac',
  manifest: 'scene12.json',
} as const;

function usage(): never {
  console.log('usage: node dist/scripts/make-example-media.js [--force] [--out DIR]\n  writes the example scene (default: examples/scene12 in the repository)');
  process.exit(0);
}

function parseArgs(argv: string[]): { force: boolean; out: string } {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let force = false;
  let out = join(repo, 'examples', 'scene12');
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--force') force = true;
    else if (a === '--out' && argv[i + 1] !== undefined) out = resolve(argv[++i]!);
    else if (a === '--help' || a === '-h') usage();
    else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  return { force, out };
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);
const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;
const db = (x: number): number => Math.round(x * 10) / 10;

/** A position: samples, seconds, and (when given a timecode origin) the timecode label. */
function at(samples: number, rate = RATE, tcOrigin?: number): Record<string, number | string> {
  const o: Record<string, number | string> = { samples, seconds: round(samples / rate) };
  if (tcOrigin !== undefined) o.timecode = samplesToLabel(tcOrigin + samples);
  return o;
}
const span = (s: Span, shift = 0, tcOrigin?: number): Record<string, unknown> => ({
  start: at(s.start + shift, RATE, tcOrigin),
  end: at(s.end + shift, RATE, tcOrigin),
});

/** Runs ffmpeg writing to a temporary name, then renames into place. */
async function encode(path: string, args: string[], input?: Buffer | Iterable<Buffer>): Promise<void> {
  const temp = join(dirname(path), `.${Date.now()}.${process.pid}.tmp`);
  try {
    await ffmpeg([...args, temp], input);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

const BITEXACT = ['-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-threads', '1'];

async function main(): Promise<void> {
  const { force, out } = parseArgs(process.argv.slice(2));
  const espeak = await espeakVersion();
  const ffver = await ffmpegVersion();
  const path = (k: keyof typeof FILES): string => join(out, FILES[k]);
  if (!force) {
    const existing = [];
    for (const k of Object.keys(FILES) as Array<keyof typeof FILES>) if (await exists(path(k))) existing.push(FILES[k]);
    if (existing.length > 0) {
      console.error(`${out}: already holds ${existing.join(', ')}\nuse --force to regenerate them`);
      process.exit(1);
    }
  }
  for (const k of Object.keys(FILES) as Array<keyof typeof FILES>) await mkdir(dirname(path(k)), { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'dubstage-example-media-'));
  const log = (msg: string): void => console.log(msg);

  try {
    // --- Effects and foley (needed by the guide's temp mix) ------------------------------------
    log('synthesising effects and foley');
    const fx: Record<string, Effect> = {
      [FILES.door]: doorClose(),
      [FILES.glass]: glassSetDown(),
      [FILES.steps]: footsteps(),
      [FILES.bag]: bagDown(),
    };
    let seed = 1200;
    for (const [file, e] of Object.entries(fx)) {
      await writeWavFile(join(out, file), [e.samples], {
        sampleRate: RATE,
        bitDepth: 24,
        bext: { description: e.description, originator: 'dubstage example-media', originationDate: '2024-05-20', originationTime: '11:00:00', timeReference: 0, codingHistory: 'A=PCM,F=48000,W=24,M=mono,T=synthetic\r\n' },
        overwrite: force,
        ditherSeed: seed++,
      });
    }

    // --- Production dialogue -----------------------------------------------------------------
    log('synthesising dialogue (espeak-ng) and recording it on the boom and the lav');
    const prod = await production();
    const description = (trk: string): string =>
      `sSCENE=${SCENE}\r\nsTAKE=${TAKE}\r\nsTAPE=${TAPE}\r\nsSPEED=023.976-ND\r\nsTRK1=BOOM\r\nsTRK2=LAV1\r\nsNOTE=${trk}\r\n`;
    const ixml = (track: string, note: string): Parameters<typeof writeWavFile>[2]['ixml'] => ({
      project: PROJECT, scene: SCENE, take: TAKE, tape: TAPE, note,
      timecodeRate: '24000/1001', timecodeFlag: 'NDF',
      tracks: [{ channelIndex: track === 'LAV1' ? 2 : 1, name: track }],
    });
    for (const [key, track, samples, note, dseed] of [
      ['boom', 'BOOM', prod.boom, 'boom, supercardioid; both actors', 1101],
      ['lav', 'LAV1', prod.lav, 'radio lav on DAN', 1102],
    ] as const) {
      await writeWavFile(path(key), [samples], {
        sampleRate: RATE,
        bitDepth: 24,
        bext: {
          description: description(track),
          originator: RECORDER,
          originatorReference: `FR8SN0042SC${SCENE}T0${TAKE}${track}`,
          originationDate: '2024-05-14',
          originationTime: '14:23:10',
          timeReference: TAKE_TR,
          codingHistory: 'A=PCM,F=48000,W=24,M=mono,T=FR-8\r\n',
        },
        ixml: ixml(track, note),
        overwrite: force,
        ditherSeed: dseed,
      });
    }

    // --- Guide movie ---------------------------------------------------------------------------
    log('building the guide movie');
    const g = guide(prod, fx);
    const guideRaw = join(tmp, 'guide.f32');
    await writeFile(guideRaw, interleaveF32([g.left, g.right]));
    await encode(
      path('guide'),
      [
        '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${WIDTH}x${HEIGHT}`, '-framerate', '24000/1001', '-i', 'pipe:0',
        '-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', guideRaw,
        '-map', '0:v', '-map', '1:a',
        '-c:v', 'libx264', '-preset', 'medium', '-crf', '30', '-g', '48', '-pix_fmt', 'yuv420p', '-flags:v', '+bitexact',
        '-c:a', 'aac', '-b:a', '96k',
        ...BITEXACT,
        '-metadata', `timecode=${PROGRAM_TC}`,
        '-f', 'mov',
      ],
      frames(PROGRAM_TR / SAMPLES_PER_FRAME, GUIDE_FRAMES),
    );

    // --- ADR -----------------------------------------------------------------------------------
    log('recording the ADR take');
    const a = await adr(prod);
    await writeWavFile(path('adr'), [a.samples], {
      sampleRate: RATE,
      bitDepth: 24,
      bext: {
        description: `${PROJECT} SC${SCENE} ADR L2 T1 DAN\r\n"Put the bags down. Come in."\r\n`,
        originator: 'ADR stage B',
        originatorReference: 'ADRB0001SC12L2T1',
        originationDate: '2024-06-03',
        originationTime: '10:41:27',
        timeReference: PROGRAM_TR + a.programStart,
        codingHistory: 'A=PCM,F=48000,W=24,M=mono,T=ADR stage B\r\n',
      },
      ixml: {
        project: PROJECT, scene: SCENE, take: '1', tape: 'ADR01', note: 'ADR line 2 (DAN), take 1, recorded against picture',
        timecodeRate: '24000/1001', timecodeFlag: 'NDF', tracks: [{ channelIndex: 1, name: 'DAN ADR' }],
      },
      overwrite: force,
      ditherSeed: 1103,
    });

    // --- Background (MP3) ----------------------------------------------------------------------
    log('building the background ambience');
    const bg = ambience();
    await encode(
      path('bg'),
      [
        '-f', 'f32le', '-ar', String(RATE), '-ac', '2', '-i', 'pipe:0',
        '-c:a', 'libmp3lame', '-b:a', '128k', ...BITEXACT,
        '-id3v2_version', '3', '-metadata', 'title=BG APT CITY INT', '-metadata', 'artist=dubstage example media',
        '-metadata', 'comment=Apartment interior, distant city traffic, car pass, horn, door slam. Synthetic.',
        '-f', 'mp3',
      ],
      interleaveF32([bg.left, bg.right]),
    );

    // --- Music cue (FLAC, 44.1 kHz, 16-bit with seeded TPDF dither) -----------------------------
    log('building the music cue');
    const mx = music();
    const pcm = Buffer.alloc(mx.left.length * 4);
    const dr = rng('mx/dither');
    for (let i = 0; i < mx.left.length; i++) {
      for (const [ch, x] of [[0, mx.left], [1, mx.right]] as const) {
        const v = Math.round(x[i]! * 32767 + dr.next() - dr.next());
        pcm.writeInt16LE(Math.max(-32768, Math.min(32767, v)), (i * 2 + ch) * 2);
      }
    }
    await encode(
      path('music'),
      [
        '-f', 's16le', '-ar', String(MX_RATE), '-ac', '2', '-i', 'pipe:0',
        '-c:a', 'flac', '-compression_level', '8', ...BITEXACT,
        '-metadata', 'title=1M1 Arrival', '-metadata', 'artist=dubstage example media',
        '-f', 'flac',
      ],
      pcm,
    );

    // --- Manifest ------------------------------------------------------------------------------
    const lavShift = (c: 'MAYA' | 'DAN'): number => LAV_DELAY[c];
    const manifest = {
      about: 'Ground truth for examples/scene12, written by scripts/make-example-media.ts. Positions are in samples from the start of the file they refer to (48 kHz unless said), with seconds and timecode for reading.',
      generatedWith: { espeakNg: espeak, ffmpeg: ffver },
      project: PROJECT,
      scene: SCENE,
      take: TAKE,
      timecode: { rate: '24000/1001', flag: 'NDF', samplesPerFrameAt48k: SAMPLES_PER_FRAME },
      cast: {
        MAYA: { espeakVoice: CAST.MAYA.voice, speed: CAST.MAYA.speed, pitch: CAST.MAYA.pitch },
        DAN: { espeakVoice: CAST.DAN.voice, speed: CAST.DAN.speed, pitch: CAST.DAN.pitch },
      },
      production: {
        files: { boom: FILES.boom, lav: FILES.lav },
        format: 'BWF, mono, 48 kHz, 24-bit PCM, bext + iXML',
        startTimecode: TAKE_TC,
        timeReference: TAKE_TR,
        length: at(prod.length),
        lavDelaySamples: { ...LAV_DELAY, note: 'arrival on LAV1 minus arrival on BOOM; negative = LAV1 earlier' },
        lines: prod.lines.map((l) => ({
          id: l.id,
          character: l.character,
          text: l.text,
          boom: span(l, 0, TAKE_TR),
          lav: span(l, lavShift(l.character)),
          phrases: l.phrases.map((p) => ({ text: p.text, boom: span(p) })),
        })),
        breaths: prod.breaths.map((b) => ({ character: b.character, beforeLine: b.beforeLine, boom: span(b), lav: span(b, lavShift(b.character)) })),
        plosive: {
          file: FILES.boom,
          line: prod.plosive.line,
          word: prod.plosive.word,
          burst: at(prod.plosive.burst),
          start: at(prod.plosive.start),
          peak: at(prod.plosive.peak),
          end: at(prod.plosive.end),
          peakDbfs: prod.plosive.peakDbfs,
          note: 'low-frequency pressure pop (lowpass 140 Hz, highpass 30 Hz), on the boom only; end = pop below -60 dBFS',
        },
        clicks: prod.clicks.map((c) => ({ file: FILES.lav, ...at(c.sample), lengthSamples: c.length, peakDbfs: c.peakDbfs, kind: c.kind })),
        rustles: prod.rustles.map((r) => ({ file: FILES.lav, ...span(r), peakDbfs: r.peakDbfs })),
        hum: { file: FILES.boom, fundamentalHz: HUM.fundamental, harmonicsDbfsRms: HUM.harmonicsDbRms, note: 'constant frequency and level for the whole file; none on LAV1' },
        levelsDbfs: Object.fromEntries(Object.entries(prod.levels).map(([k, v]) => [k, db(v)])),
      },
      guide: {
        file: FILES.guide,
        format: `QuickTime MOV: H.264 ${WIDTH}x${HEIGHT} 23.976 fps (test card, timecode burn-in) + AAC-LC stereo 48 kHz 96 kb/s; timecode track ${PROGRAM_TC}`,
        programStart: PROGRAM_TC,
        length: { frames: GUIDE_FRAMES, ...at(g.length) },
        source: { file: FILES.boom, in: at(GUIDE_SOURCE_IN, RATE, TAKE_TR), out: at(GUIDE_SOURCE_IN + g.length, RATE, TAKE_TR), gainDb: 3, channels: 'same in L and R' },
        syncAnswer: { boomSampleAtProgramStart: GUIDE_SOURCE_IN, boomFileStartsAtProgram: samplesToLabel(PROGRAM_TR - GUIDE_SOURCE_IN) },
        lines: prod.lines.map((l) => ({ id: l.id, ...span(l, -GUIDE_SOURCE_IN, PROGRAM_TR) })),
        tempFx: g.fx.map((f) => ({ file: f.file, start: at(f.start, RATE, PROGRAM_TR), gainDb: f.gainDb, pan: f.pan })),
      },
      adr: {
        file: FILES.adr,
        format: 'BWF, mono, 48 kHz, 24-bit PCM, bext + iXML',
        line: a.line,
        character: 'DAN',
        text: prod.lines.find((l) => l.id === a.line)!.text,
        voices: ADR_VOICES,
        timeReference: PROGRAM_TR + a.programStart,
        startTimecode: samplesToLabel(PROGRAM_TR + a.programStart),
        programStart: at(a.programStart, RATE, PROGRAM_TR),
        length: at(a.samples.length),
        breath: span(a.breath),
        phrases: a.phrases.map((p) => ({
          text: p.text,
          adr: span(p),
          program: at(a.programStart + p.start, RATE, PROGRAM_TR),
          productionProgram: at(p.productionProgramStart, RATE, PROGRAM_TR),
          offsetMs: round(p.offsetMs, 3),
        })),
      },
      effects: Object.fromEntries(
        Object.entries(fx).map(([file, e]) => [file, { format: 'BWF, mono, 48 kHz, 24-bit PCM, bext', description: e.description, length: at(e.samples.length), events: e.events.map((ev) => ({ what: ev.what, ...at(ev.sample) })) }]),
      ),
      background: {
        file: FILES.bg,
        format: 'MP3 (MPEG-1 Layer III), stereo, 48 kHz, 128 kb/s CBR, ID3v2.3 tag',
        length: at(bg.left.length),
        events: bg.events.map((e) => ({ what: e.what, start: at(e.start), end: at(e.end) })),
      },
      music: {
        file: FILES.music,
        format: 'FLAC, stereo, 44.1 kHz, 16-bit',
        sampleRate: MX_RATE,
        length: at(mx.left.length, MX_RATE),
        tempoBpm: BPM,
        meter: '4/4',
        key: 'A minor',
        bars: CHORDS.map((c, i) => ({ bar: i + 1, chord: c.name, start: at(Math.round(i * BAR * MX_RATE), MX_RATE) })),
        beatSeconds: BEAT,
        fadeOut: { start: at(mx.left.length - Math.round(FADE_OUT_SECONDS * MX_RATE), MX_RATE), end: at(mx.left.length, MX_RATE) },
        peakDbfs: MX_PEAK,
      },
    };
    await writeFile(path('manifest'), JSON.stringify(manifest, null, 2) + '\n');

    // --- Summary -------------------------------------------------------------------------------
    let total = 0;
    for (const k of Object.keys(FILES) as Array<keyof typeof FILES>) {
      const size = (await stat(path(k))).size;
      total += size;
      log(`  ${FILES[k].padEnd(32)} ${String(size).padStart(9)} bytes`);
    }
    log(`  ${'total'.padEnd(32)} ${String(total).padStart(9)} bytes`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
