import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadSession, positionToSamples, SessionError, validateSession } from '../src/session/load.js';
import { sessionJsonSchema } from '../src/session/schema.js';
import { sessionTemplate } from '../src/session/template.js';
import { runDubstage } from './support/cli.js';
import { SCENE } from './support/programme.js';
import { tempDir } from './support/wav-builder.js';

const dir = tempDir('dubstage-session-');
after(() => dir.cleanup());
const p = (name: string): string => join(dir.path, name);

async function problemsOf(doc: unknown): Promise<string[]> {
  try {
    await validateSession(doc, p('s.yaml'));
  } catch (error) {
    if (error instanceof SessionError) return error.problems;
    throw error;
  }
  return [];
}

describe('post template', () => {
  it('session init writes the buses, tracks and colours of a post session, and it validates', async () => {
    const r = await runDubstage(['session', 'init', p('ShortFilm'), '--template', 'post']);
    assert.equal(r.code, 0, r.stderr);
    const text = await readFile(p('ShortFilm.yaml'), 'utf8');
    assert.match(text, /start: "01:00:00:00"/, 'timecodes quoted, so YAML 1.1 readers do not see numbers');
    const doc = parseYaml(text);
    assert.deepEqual(
      doc.buses.map((b: { name: string; output: string | null; color: string }) => [b.name, b.output, b.color]),
      [['DX', 'STEM MSTR', 'green'], ['FX', 'STEM MSTR', 'blue'], ['MX', 'STEM MSTR', 'orange'], ['BG', 'STEM MSTR', 'purple'], ['STEM MSTR', null, 'red']],
    );
    assert.deepEqual(
      doc.tracks.map((t: { name: string; output: string }) => `${t.name}>${t.output}`),
      ['DX_BOOM>DX', 'DX_LAV1>DX', 'DX_LAV2>DX', 'DX_PLANT>DX', 'DX_ADR>DX', 'FX_SPOT>FX', 'FOLEY_FS>FX', 'FOLEY_MOVES>FX', 'FOLEY_SPEC>FX', 'BG_A>BG', 'BG_B>BG', 'MX_SCORE>MX', 'MX_SOURCE>MX'],
    );
    const loaded = await loadSession(p('ShortFilm.yaml'));
    assert.equal(loaded.session.sampleRate, 48000);
    assert.equal(loaded.session.bitDepth, 24);
    assert.equal(loaded.startSamples, 172972800, '01:00:00:00 at 23.976 and 48 kHz');
    const check = await runDubstage(['session', 'check', p('ShortFilm.yaml'), '--json']);
    assert.equal(check.code, 0);
    assert.equal(JSON.parse(check.stdout).valid, true);
    assert.equal((await runDubstage(['session', 'init', p('ShortFilm')])).code, 2, 'no overwrite without --force');
  });
});

describe('validation reports every problem by key path', () => {
  const base = (): ReturnType<typeof sessionTemplate> => sessionTemplate('post', 'T');

  it('an invalid timecode names the key, the value and the rate', async () => {
    const doc = base();
    doc.tracks![3]!.clips = [{ file: SCENE + 'production/SC12_T03_BOOM.wav', at: '01:00:61:00' }];
    const problems = await problemsOf(doc);
    assert.deepEqual(problems, ['tracks[3].clips[0].at: "01:00:61:00" is not a valid timecode at 23.976: seconds must be 0-59']);
  });

  it('a missing media file is named with every path tried', async () => {
    const doc = base();
    doc.mediaFolders = ['media'];
    doc.tracks![0]!.clips = [{ file: 'nope.wav', at: 1.5 }];
    const [problem] = await problemsOf(doc);
    assert.equal(problem, `tracks[0].clips[0].file: "nope.wav" not found (tried ${p('nope.wav')}, ${p('media/nope.wav')})`);
  });

  it('routing: unknown buses, loops, the single print bus, duplicate names, unknown keys and wrong types', async () => {
    const doc = base();
    doc.tracks![0]!.output = 'DIALOG';
    doc.tracks![1]!.sends = [{ bus: 'VERB' }];
    doc.tracks![2]!.name = 'DX_BOOM';
    doc.buses![1]!.output = 'MX';
    doc.buses![2]!.output = 'FX';
    const problems = await problemsOf(doc);
    assert.deepEqual(problems, [
      'buses[1].output: routing loop through "FX"',
      'buses[2].output: routing loop through "MX"',
      'tracks[0].output: no bus named "DIALOG"',
      'tracks[1].sends[0].bus: no bus named "VERB"',
      'tracks[2].name: "DX_BOOM" is used twice',
    ]);
    const typo = { ...base(), sampleRate: '48k', trackz: [] } as unknown;
    const typeProblems = await problemsOf(typo);
    assert.ok(typeProblems.some((x) => x.startsWith('sampleRate: ')), typeProblems.join('\n'));
    assert.ok(typeProblems.some((x) => /trackz/.test(x)), typeProblems.join('\n'));
    const twoMasters = base();
    twoMasters.buses![0]!.output = null;
    assert.deepEqual(await problemsOf(twoMasters), ['buses: exactly one bus must have output null (the print bus), found 2: DX, STEM MSTR']);
  });

  it('session check prints each problem on its own line and exits 2', async () => {
    const doc = base();
    doc.tracks![0]!.clips = [{ file: 'gone.wav', at: '00:59:00:00' }];
    await writeFile(p('bad.yaml'), JSON.stringify(doc));
    const r = await runDubstage(['session', 'check', p('bad.yaml')]);
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /tracks\[0\]\.clips\[0\]\.at: "00:59:00:00" is before the session start 01:00:00:00/);
    assert.match(lines[1]!, /tracks\[0\]\.clips\[0\]\.file: "gone.wav" not found/);
  });
});

describe('positions and the JSON Schema', () => {
  it('timecode positions are absolute labels; seconds and samples count from the session start', async () => {
    const loaded = await validateSession(sessionTemplate('post', 'T', { timecodeRate: '25', start: '10:00:00:00' }), p('s.yaml'), { checkMedia: false });
    assert.equal(positionToSamples('10:00:01:00', loaded, 48000), 48000);
    assert.equal(positionToSamples('10:00:00:01', loaded, 48000), 1920);
    assert.equal(positionToSamples(2.5, loaded, 48000), 120000);
    assert.equal(positionToSamples({ samples: 7 }, loaded, 48000), 7);
    assert.equal(positionToSamples({ seconds: 0.5 }, loaded, 48000), 24000);
  });

  it('docs/session.schema.json is the schema generated from the code', async () => {
    const committed = JSON.parse(await readFile(new URL('../../docs/session.schema.json', import.meta.url), 'utf8'));
    assert.deepEqual(committed, sessionJsonSchema());
    const r = await runDubstage(['session', 'schema']);
    assert.deepEqual(JSON.parse(r.stdout), committed);
  });
});

describe('session add', () => {
  it('places timestamped media at its own timecode, converts other rates, keeps comments', async () => {
    const file = p('Add.yaml');
    assert.equal((await runDubstage(['session', 'init', file, '--template', 'post'])).code, 0);
    await writeFile(file, (await readFile(file, 'utf8')) + '# my note stays\n');
    const adr = await runDubstage(['session', 'add', file, SCENE + 'adr/SC12_ADR_L2_T1.wav', '--track', 'DX_ADR', '--json']);
    assert.equal(adr.code, 0, adr.stderr);
    const [a] = JSON.parse(adr.stdout);
    assert.deepEqual([a.at, a.placement, a.converted], ['01:00:01:18', 'timestamp', false]);
    const mx = await runDubstage(['session', 'add', file, SCENE + 'music/MX_CUE_1M1.flac', '--track', 'MX_SCORE', '--at', '01:00:02:00', '--json']);
    assert.equal(mx.code, 0, mx.stderr);
    const [m] = JSON.parse(mx.stdout);
    assert.deepEqual([m.at, m.placement, m.converted], ['01:00:02:00', 'given', true]);
    const { probeAudio } = await import('../src/audio/open.js');
    const converted = await probeAudio(m.media);
    assert.equal(converted.sampleRate, 48000);
    assert.equal(converted.frames, Math.ceil((396900 * 48000) / 44100));
    const text = await readFile(file, 'utf8');
    assert.match(text, /# my note stays/);
    const loaded = await loadSession(file);
    assert.equal(loaded.session.tracks.find((t) => t.name === 'DX_ADR')!.clips.length, 1);
    assert.equal(positionToSamples(loaded.session.tracks.find((t) => t.name === 'DX_ADR')!.clips[0]!.at, loaded, 48000), 42 * 2002);
    const bad = await runDubstage(['session', 'add', file, SCENE + 'adr/SC12_ADR_L2_T1.wav', '--track', 'NOPE']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /no track named "NOPE"/);
  });
});

describe('docs/session-format.md', () => {
  it('its complete example is a valid session whose media exists (paths relative to the repository root)', async () => {
    const md = await readFile(new URL('../../docs/session-format.md', import.meta.url), 'utf8');
    const yaml = md.split('## Complete example')[1]!.split('```yaml')[1]!.split('```')[0]!;
    const root = new URL('../../', import.meta.url).pathname;
    const loaded = await validateSession(parseYaml(yaml), join(root, 'example.yaml'));
    assert.equal(loaded.session.tracks.length, 4);
    assert.equal(loaded.media.size, 4);
  });

  it('documents every top-level, bus, track and clip key of the schema', async () => {
    const md = await readFile(new URL('../../docs/session-format.md', import.meta.url), 'utf8');
    const schema = sessionJsonSchema() as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
    const keys = [
      ...Object.keys(schema.properties),
      ...Object.keys(schema.properties.buses!.items!.properties!),
      ...Object.keys(schema.properties.tracks!.items!.properties!),
    ];
    for (const key of keys) assert.ok(md.includes(`\`${key}\``) || md.includes(`\`${key}.`), `docs mention \`${key}\``);
  });
});
