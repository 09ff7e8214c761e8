import type { SessionInput } from './schema.js';

export const TEMPLATES = ['post', 'empty'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

const COLORS = { DX: 'green', FX: 'blue', MX: 'orange', BG: 'purple', MASTER: 'red' } as const;

/**
 * The post-production template: dialogue, effects, music and background buses into the print
 * bus STEM MSTR, with the usual tracks of a film/TV dialogue and effects edit. Colours follow the
 * common convention (kept for the studio UI).
 */
export function sessionTemplate(name: TemplateName, project: string, options: { timecodeRate?: string; start?: string } = {}): SessionInput {
  const base: SessionInput = {
    dubstage: 1,
    project,
    sampleRate: 48000,
    bitDepth: 24,
    timecode: { rate: options.timecodeRate ?? '23.976', start: options.start ?? '01:00:00:00' },
    mediaFolders: [],
  };
  if (name === 'empty') return { ...base, buses: [{ name: 'STEM MSTR', format: 'stereo', output: null, color: COLORS.MASTER }], tracks: [] };
  const track = (trackName: string, output: 'DX' | 'FX' | 'MX' | 'BG', channels = 1): NonNullable<SessionInput['tracks']>[number] => ({
    name: trackName,
    channels,
    output,
    faderDb: 0,
    pan: 0,
    clips: [],
    color: COLORS[output],
  });
  return {
    ...base,
    buses: [
      { name: 'DX', format: 'mono', output: 'STEM MSTR', color: COLORS.DX },
      { name: 'FX', format: 'stereo', output: 'STEM MSTR', color: COLORS.FX },
      { name: 'MX', format: 'stereo', output: 'STEM MSTR', color: COLORS.MX },
      { name: 'BG', format: 'stereo', output: 'STEM MSTR', color: COLORS.BG },
      { name: 'STEM MSTR', format: 'stereo', output: null, color: COLORS.MASTER },
    ],
    tracks: [
      track('DX_BOOM', 'DX'),
      track('DX_LAV1', 'DX'),
      track('DX_LAV2', 'DX'),
      track('DX_PLANT', 'DX'),
      track('DX_ADR', 'DX'),
      track('FX_SPOT', 'FX'),
      track('FOLEY_FS', 'FX'),
      track('FOLEY_MOVES', 'FX'),
      track('FOLEY_SPEC', 'FX'),
      track('BG_A', 'BG', 2),
      track('BG_B', 'BG', 2),
      track('MX_SCORE', 'MX', 2),
      track('MX_SOURCE', 'MX', 2),
    ],
    markers: [],
  };
}
