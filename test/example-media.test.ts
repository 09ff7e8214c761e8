/** The committed example scene reads as documented in examples/scene12/scene12.json. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { probeAudio, readAudioFile } from '../src/audio/open.js';
import { timecodeToTimeReference } from '../src/time/index.js';

const scene = fileURLToPath(new URL('../../examples/scene12/', import.meta.url));

describe('example scene 12', async () => {
  const truth = JSON.parse(await readFile(scene + 'scene12.json', 'utf8'));

  it('production takes: BWF mono 48/24 with time-of-day timecode at 23.976 and iXML scene/take', async () => {
    for (const [key, track] of [['boom', 'BOOM'], ['lav', 'LAV1']] as const) {
      const info = await probeAudio(scene + truth.production.files[key]);
      assert.equal(info.sampleRate, 48000);
      assert.equal(info.bitDepth, 24);
      assert.equal(info.channels, 1);
      assert.equal(info.frames, truth.production.length.samples);
      assert.equal(info.timeReferenceSamples, truth.production.timeReference);
      assert.equal(info.timeReferenceSamples, timecodeToTimeReference('14:23:10:00', '23.976', 48000));
      assert.equal(info.startTimecode, '14:23:10:00');
      assert.equal(info.timecodeRate, '23.976');
      assert.equal(info.ixml?.scene, '12');
      assert.equal(info.ixml?.take, '3');
      assert.equal(info.ixml?.tracks[0]?.name, track);
    }
  });

  it('guide MOV: AAC stereo guide track starting at 01:00:00:00', async () => {
    const info = await probeAudio(scene + truth.guide.file);
    assert.equal(info.container, 'mov');
    assert.equal(info.codec, 'aac');
    assert.equal(info.channels, 2);
    assert.equal(info.startTimecode, '01:00:00:00');
    assert.equal(info.timecodeRate, '23.976');
    assert.ok(Math.abs(info.durationSeconds - truth.guide.length.seconds) < 0.05, `${info.durationSeconds} s`);
  });

  it('music cue is 44.1 kHz FLAC and decodes to its documented length', async () => {
    const { info, channels } = await readAudioFile(scene + truth.music.file);
    assert.equal(info.sampleRate, 44100);
    assert.equal(info.container, 'flac');
    assert.equal(channels[0]!.length, truth.music.length.samples);
  });

  it('background MP3 decodes as stereo 48 kHz', async () => {
    const { info, channels } = await readAudioFile(scene + truth.background.file);
    assert.equal(info.codec, 'mp3');
    assert.equal(info.channels, 2);
    assert.ok(Math.abs(channels[0]!.length - truth.background.length.samples) < 1200);
  });

  it('effects, foley and ADR have their documented lengths', async () => {
    for (const [file, entry] of Object.entries(truth.effects) as [string, { length: { samples: number } }][]) {
      assert.equal((await probeAudio(scene + file)).frames, entry.length.samples, file);
    }
    const adr = await probeAudio(scene + truth.adr.file);
    assert.equal(adr.frames, truth.adr.length.samples);
    assert.equal(adr.startTimecode, truth.adr.startTimecode);
  });
});
