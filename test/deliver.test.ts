import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cp, mkdir, open, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { convertAudioFile } from '../src/audio/convert.js';
import { probeAudio, readAudioFile } from '../src/audio/open.js';
import { scanWav } from '../src/audio/wav-reader.js';
import { runCli } from '../src/cli/main.js';
import { deliverSession, type DeliveryResult } from '../src/deliver/deliver.js';
import { BUILTIN_SPECS, resolveSpec } from '../src/loudness/specs.js';
import type { Manifest } from '../src/qc/package.js';
import { runQc } from '../src/qc/qc.js';
import type { CheckId, QcReport } from '../src/qc/types.js';
import { loadSession, type LoadedSession } from '../src/session/load.js';
import { buildExampleSession } from '../scripts/example-session.js';
import { tempDir } from './support/wav-builder.js';

/**
 * `dubstage deliver` on the example scene: every built-in spec delivers a package that passes QC;
 * then each classic delivery defect, made on a copy of the package, is caught by its own check and
 * by no other.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const scene = join(root, 'examples', 'scene12');
const tmp = tempDir('dubstage-deliver-');
const quiet = new Writable({ write: (_c, _e, done) => done() });
const cliStep = async (_title: string, args: string[]): Promise<void> => {
  const code = await runCli(args, { stdout: quiet, stderr: quiet });
  if (code !== 0) throw new Error(`dubstage ${args.join(' ')}: exit ${code}`);
};

let stereo: LoadedSession;
let surround: LoadedSession;
const deliveries = new Map<string, DeliveryResult>();

before(async () => {
  await mkdir(join(tmp.path, 'st'), { recursive: true });
  await mkdir(join(tmp.path, '51'), { recursive: true });
  await buildExampleSession(cliStep, scene, join(tmp.path, 'st', 'ShortFilm.yaml'), root);
  await buildExampleSession(cliStep, scene, join(tmp.path, '51', 'ShortFilm.yaml'), root, { format: '5.1' });
  stereo = await loadSession(join(tmp.path, 'st', 'ShortFilm.yaml'));
  surround = await loadSession(join(tmp.path, '51', 'ShortFilm.yaml'));
});

const failing = (r: QcReport): string[] => r.checks.filter((c) => c.status === 'fail').map((c) => `${c.id}:${c.file ?? '-'}: ${c.message}`);
const sha = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

describe('deliver: the example scene for every built-in spec', () => {
  for (const spec of BUILTIN_SPECS) {
    it(`${spec.name}: delivers, and QC of the folder passes`, async () => {
      const out = join(tmp.path, `dl-${spec.name}`);
      const result = await deliverSession(stereo, { spec, out });
      deliveries.set(spec.name, result);
      const qc = await runQc([out]);
      assert.deepEqual(failing(qc), [], `${spec.name}: QC failures`);
      assert.equal(qc.spec?.name, spec.name, 'QC takes the spec from manifest.json');
      // the loudness the spec asks for, on the delivered mix file
      const mix = qc.files.find((f) => f.role === 'FULLMIX')!;
      const judged = spec.measure === 'dialogue' && mix.loudness.speechPercent !== null && mix.loudness.speechPercent >= (spec.fallback?.speechPercentBelow ?? 0) ? mix.loudness.dialogueLufs : mix.loudness.integratedLufs;
      assert.ok(judged !== null && Math.abs(judged - spec.targetLufs) <= (spec.measure === 'dialogue' && judged === mix.loudness.integratedLufs ? 99 : spec.toleranceLu), `${spec.name}: ${judged} LUFS`);
      assert.ok(mix.loudness.truePeakDbtp! <= spec.truePeakMaxDbtp, `${spec.name}: ${mix.loudness.truePeakDbtp} dBTP`);
    });
  }

  it('every file: same TimeReference (programme start − 2 s handles) and length, 48 kHz/24-bit, named by the template, checksummed', async () => {
    const r = deliveries.get('ebu-r128')!;
    const manifest = JSON.parse(await readFile(join(r.folder, 'manifest.json'), 'utf8')) as Manifest;
    assert.deepEqual(r.elements.map((e) => e.name), ['ShortFilm_DX_STEM_4824_01', 'ShortFilm_FX_STEM_4824_01', 'ShortFilm_MX_STEM_4824_01', 'ShortFilm_BG_STEM_4824_01', 'ShortFilm_ME_STEM_4824_01', 'ShortFilm_FULLMIX_4824_01']);
    const start = stereo.startSamples - 2 * 48000;
    assert.equal(manifest.timecode.fileStart, '00:59:58:00');
    assert.equal(manifest.timecode.programmeStart, '01:00:00:00');
    const frames = new Set<number>();
    for (const f of manifest.files) {
      const path = join(r.folder, f.name);
      const info = await probeAudio(path);
      assert.equal(info.sampleRate, 48000);
      assert.equal(info.bitDepth, 24);
      assert.equal(info.bext?.timeReference, start, f.name);
      assert.ok(info.bext?.loudnessValue !== null && info.bext?.loudnessValue !== undefined, `${f.name}: bext loudness`);
      assert.equal(info.channels, f.role === 'DX' ? 1 : 2, f.name);
      frames.add(info.frames);
      assert.equal(f.sha256, await sha(path));
      assert.equal(f.bytes, (await stat(path)).size);
    }
    assert.equal(frames.size, 1, 'one length');
    assert.equal([...frames][0], manifest.programme.frames + 4 * 48000);
    const notes = await readFile(r.notesFile, 'utf8');
    for (const text of ['48 kHz, 24-bit', '01:00:00:00', 'ShortFilm_FULLMIX_4824_01', 'EBU R 128', 'Known issues']) assert.ok(notes.includes(text), text);
  });

  it('the 24-bit files null: 0.7071·DX + FX + MX + BG and 0.7071·DX + ME give the full mix below -100 dBFS', async () => {
    const r = deliveries.get('ebu-r128')!;
    const read = async (role: string): Promise<Float32Array[]> => (await readAudioFile(r.elements.find((e) => e.role === role)!.files[0]!)).channels;
    const [dx, fx, mx, bg, me, mix] = await Promise.all(['DX', 'FX', 'MX', 'BG', 'ME', 'FULLMIX'].map(read));
    let peak1 = 0;
    let peak2 = 0;
    let peakMix = 0;
    for (let c = 0; c < 2; c++) {
      for (let i = 0; i < mix![c]!.length; i++) {
        const d = Math.SQRT1_2 * dx![0]![i]!;
        peak1 = Math.max(peak1, Math.abs(mix![c]![i]! - d - fx![c]![i]! - mx![c]![i]! - bg![c]![i]!));
        peak2 = Math.max(peak2, Math.abs(mix![c]![i]! - d - me![c]![i]!));
        peakMix = Math.max(peakMix, Math.abs(mix![c]![i]!));
      }
    }
    assert.ok(peakMix > 0.1);
    assert.ok(20 * Math.log10(peak1) < -100, `stems residual ${20 * Math.log10(peak1)} dBFS`);
    assert.ok(20 * Math.log10(peak2) < -100, `DX+ME residual ${20 * Math.log10(peak2)} dBFS`);
  });
});

describe('deliver: a 5.1 mix', () => {
  it('5.1 stems and printmaster (interleaved L R C LFE Ls Rs), a Lo/Ro fold-down, dialogue in the centre; QC passes', async () => {
    const out = join(tmp.path, 'dl51-ebu');
    const r = await deliverSession(surround, { spec: await resolveSpec('ebu-r128'), out });
    deliveries.set('51-ebu', r);
    assert.deepEqual(r.elements.map((e) => [e.role, e.channels]), [['DX', 6], ['FX', 6], ['MX', 6], ['BG', 6], ['ME', 6], ['FULLMIX', 6], ['FOLDDOWN', 2]]);
    const dx = await readAudioFile(r.elements[0]!.files[0]!);
    assert.deepEqual(dx.info.channelLayout, ['L', 'R', 'C', 'LFE', 'Ls', 'Rs']);
    const energy = dx.channels.map((ch) => ch.reduce((a, v) => a + v * v, 0));
    assert.ok(energy[2]! > 0 && energy.every((e, i) => i === 2 || e === 0), `DX only in C: ${energy}`);
    const qc = await runQc([out]);
    assert.deepEqual(failing(qc), []);
  });

  it('Netflix: each 5.1 element as six mono files .L .R .C .LFE .Ls .Rs; QC groups them and passes', async () => {
    const out = join(tmp.path, 'dl51-nf');
    const r = await deliverSession(surround, { spec: await resolveSpec('netflix'), out });
    assert.deepEqual(r.elements[5]!.files.map((f) => f.split('/').pop()), ['L', 'R', 'C', 'LFE', 'Ls', 'Rs'].map((s) => `ShortFilm_FULLMIX_4824_01.${s}.wav`));
    const qc = await runQc([out]);
    assert.deepEqual(failing(qc), []);
    assert.equal(qc.files.find((f) => f.role === 'FULLMIX')?.channels, 6);
  });
});

describe('deliver: errors', () => {
  it('refuses to overwrite without force, an unassigned print-bus input, and a session at another rate', async () => {
    const spec = await resolveSpec('ebu-r128');
    await assert.rejects(deliverSession(stereo, { spec, out: join(tmp.path, 'dl-ebu-r128') }), /already exists \(use --force/);
    const odd = structuredClone(stereo);
    odd.session.buses.splice(4, 0, { name: 'CROWD', format: 'stereo', output: 'STEM MSTR', faderDb: 0, mute: false, solo: false, inserts: [], automation: [] });
    await assert.rejects(deliverSession(odd, { spec, out: join(tmp.path, 'odd') }), /bus "CROWD" feeds the print bus "STEM MSTR" but belongs to no stem/);
    odd.session.buses[4]!.stem = 'BG';
    const rate = structuredClone(stereo);
    rate.session.sampleRate = 44100;
    await assert.rejects(deliverSession(rate, { spec, out: join(tmp.path, 'rate') }), /runs at 44100 Hz but ebu-r128 asks for 48000 Hz/);
  });

  it('CLI: usage errors exit 1, and deliver prints the files and the QC verdict', async () => {
    const out: string[] = [];
    const io = { stdout: new Writable({ write: (c, _e, d) => (out.push(String(c)), d()) }), stderr: quiet };
    assert.equal(await runCli(['deliver', join(tmp.path, 'st', 'ShortFilm.yaml'), '--out', join(tmp.path, 'x')], io), 1);
    assert.equal(await runCli(['deliver', join(tmp.path, 'st', 'ShortFilm.yaml'), '--spec', 'nope', '--out', join(tmp.path, 'x')], io), 1);
    assert.equal(await runCli(['deliver', join(tmp.path, 'st', 'ShortFilm.yaml'), '--spec', 'spotify', '--out', join(tmp.path, 'cli'), '--loudness', 'loud'], io), 1);
    out.length = 0;
    assert.equal(await runCli(['deliver', join(tmp.path, 'st', 'ShortFilm.yaml'), '--spec', 'spotify', '--out', join(tmp.path, 'cli'), '--version', '3'], io), 0);
    const text = out.join('');
    assert.match(text, /ShortFilm_FULLMIX_4824_03\.wav/);
    assert.match(text, /qc: (pass|warn)/);
  });
});

// ---- mutations --------------------------------------------------------------------------------

/** Rewrites a 24-bit PCM file's samples in place (metadata untouched); `edit` works on floats. */
async function editSamples(file: string, edit: (channels: Float32Array[]) => void): Promise<void> {
  const { channels } = await readAudioFile(file);
  edit(channels);
  const fh = await open(file, 'r+');
  try {
    const layout = await scanWav(fh, file, (await fh.stat()).size);
    assert.equal(layout.bitsPerSample, 24);
    const C = channels.length;
    const n = channels[0]!.length;
    const buf = Buffer.alloc(n * C * 3);
    for (let i = 0, o = 0; i < n; i++) {
      for (let c = 0; c < C; c++, o += 3) {
        const v = Math.max(-8388608, Math.min(8388607, Math.round(channels[c]![i]! * 8388608)));
        buf.writeIntLE(v, o, 3);
      }
    }
    await fh.write(buf, 0, buf.length, layout.dataOffset);
  } finally {
    await fh.close();
  }
}

/** A defective package is still a package: its manifest lists what is there now. */
async function refreshManifest(dir: string, renamed: [string, string] | null = null): Promise<void> {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  for (const f of m.files) {
    if (renamed && f.name === renamed[0]) f.name = renamed[1];
    const file = join(dir, f.name);
    f.sha256 = await sha(file);
    f.bytes = (await stat(file)).size;
  }
  await writeFile(path, JSON.stringify(m, null, 2));
}

function fileOf(r: DeliveryResult, role: string): string {
  return r.elements.find((e) => e.role === role)!.files[0]!.split('/').pop()!;
}

/** The checks a mutated copy fails or warns on that the original did not. */
async function newProblems(source: DeliveryResult, name: string, mutate: (dir: string) => Promise<void>): Promise<Set<CheckId>> {
  const baseline = await runQc([source.folder]);
  const dir = join(tmp.path, `mut-${name}`);
  await cp(source.folder, dir, { recursive: true });
  await mutate(dir);
  const report = await runQc([dir]);
  const was = new Set(baseline.checks.filter((c) => c.status === 'fail' || c.status === 'warn').map((c) => `${c.id}|${c.file}`));
  return new Set(report.checks.filter((c) => (c.status === 'fail' || c.status === 'warn') && !was.has(`${c.id}|${c.file}`)).map((c) => c.id));
}

describe('QC catches each delivery defect with its own check, and only that one', () => {
  it('a clipped DX stem (flat tops 1 dB under its peak, in the mix too): clipping', async () => {
    const r = deliveries.get('ebu-r128')!;
    const found = await newProblems(r, 'clip', async (dir) => {
      let delta: Float32Array | null = null;
      await editSamples(join(dir, fileOf(r, 'DX')), ([dx]) => {
        let peak = 0;
        for (const v of dx!) peak = Math.max(peak, Math.abs(v));
        const limit = peak * 10 ** (-1 / 20);
        delta = new Float32Array(dx!.length);
        for (let i = 0; i < dx!.length; i++) {
          const v = dx![i]!;
          const c = Math.max(-limit, Math.min(limit, v));
          delta[i] = c - v;
          dx![i] = c;
        }
      });
      // the mix was made from the clipped dialogue: it carries the same change (centred, -3.01 dB)
      await editSamples(join(dir, fileOf(r, 'FULLMIX')), (mix) => {
        for (const ch of mix) for (let i = 0; i < ch.length; i++) ch[i] = ch[i]! + Math.SQRT1_2 * delta![i]!;
      });
      await refreshManifest(dir);
    });
    assert.deepEqual([...found], ['clipping']);
  });

  it('a stem one sample late: null (and the message names it)', async () => {
    const r = deliveries.get('ebu-r128')!;
    const found = await newProblems(r, 'shift', async (dir) => {
      await editSamples(join(dir, fileOf(r, 'FX')), (chs) => {
        for (const ch of chs) {
          ch.copyWithin(1, 0, ch.length - 1);
          ch[0] = 0;
        }
      });
      await refreshManifest(dir);
    });
    assert.deepEqual([...found], ['null']);
  });

  it('a dropout: 250 ms of digital silence in every file at the same place: silence', async () => {
    const r = deliveries.get('ebu-r128')!;
    const found = await newProblems(r, 'silence', async (dir) => {
      for (const e of r.elements) {
        await editSamples(join(dir, fileOf(r, e.role)), (chs) => {
          for (const ch of chs) ch.fill(0, 7 * 48000, 7 * 48000 + 12000);
        });
      }
      await refreshManifest(dir);
    });
    assert.deepEqual([...found], ['silence']);
  });

  it('L and C swapped in every 5.1 file (film order exported as SMPTE): channel-order', async () => {
    const r = deliveries.get('51-ebu')!;
    const found = await newProblems(r, 'swap', async (dir) => {
      for (const e of r.elements.filter((x) => x.channels === 6)) {
        await editSamples(join(dir, fileOf(r, e.role)), (chs) => {
          const l = chs[0]!.slice();
          chs[0]!.set(chs[2]!);
          chs[2]!.set(l);
        });
      }
      await refreshManifest(dir);
    });
    assert.deepEqual([...found], ['channel-order']);
  });

  it('a renamed file: naming', async () => {
    const r = deliveries.get('ebu-r128')!;
    const found = await newProblems(r, 'rename', async (dir) => {
      await rename(join(dir, fileOf(r, 'FX')), join(dir, 'ShortFilm_FX_final.wav'));
      await refreshManifest(dir, [fileOf(r, 'FX'), 'ShortFilm_FX_final.wav']);
    });
    assert.deepEqual([...found], ['naming']);
  });

  it('one file at 44.1 kHz (TimeReference rescaled, same name): format', async () => {
    const r = deliveries.get('ebu-r128')!;
    const found = await newProblems(r, 'rate', async (dir) => {
      const file = join(dir, fileOf(r, 'MX'));
      await convertAudioFile(file, `${file}.tmp.wav`, { sampleRate: 44100 });
      await rename(`${file}.tmp.wav`, file);
      await refreshManifest(dir);
    });
    assert.deepEqual([...found], ['format']);
  });
});
