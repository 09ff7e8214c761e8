import type { IxmlInfo, IxmlTrack } from './types.js';

/**
 * iXML has no official DTD and vendors differ, so reading is lenient: pick the few elements
 * dubstage uses by name and keep the whole text in `raw`.
 */

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(xml: string, name: string): string | null {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'i').exec(xml);
  if (match === null) return null;
  const value = decodeEntities(match[1]!.trim());
  return value === '' ? null : value;
}

function numberOrNull(text: string | null): number | null {
  if (text === null) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

export function parseIxml(bytes: Uint8Array): IxmlInfo {
  let raw = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const nul = raw.indexOf('\0');
  if (nul >= 0) raw = raw.slice(0, nul);
  const speed = element(raw, 'SPEED') ?? '';
  const trackList = element(raw, 'TRACK_LIST') ?? '';
  const tracks: IxmlTrack[] = [];
  for (const match of trackList.matchAll(/<TRACK>([\s\S]*?)<\/TRACK>/gi)) {
    const body = match[1]!;
    const channelIndex = numberOrNull(element(body, 'CHANNEL_INDEX'));
    if (channelIndex === null) continue;
    tracks.push({
      channelIndex,
      interleaveIndex: numberOrNull(element(body, 'INTERLEAVE_INDEX')),
      name: element(body, 'NAME') ?? '',
      function: element(body, 'FUNCTION'),
    });
  }
  return {
    project: element(raw, 'PROJECT'),
    scene: element(raw, 'SCENE'),
    take: element(raw, 'TAKE'),
    tape: element(raw, 'TAPE'),
    note: element(raw.replace(/<SPEED>[\s\S]*?<\/SPEED>/i, ''), 'NOTE'),
    timecodeRate: element(speed, 'TIMECODE_RATE'),
    timecodeFlag: element(speed, 'TIMECODE_FLAG'),
    fileSampleRate: numberOrNull(element(speed, 'FILE_SAMPLE_RATE')),
    tracks,
    raw,
  };
}

export interface IxmlWriteFields {
  project?: string | null;
  scene?: string | null;
  take?: string | null;
  tape?: string | null;
  note?: string | null;
  /** Fraction as iXML stores it, e.g. `24000/1001`. */
  timecodeRate?: string | null;
  timecodeFlag?: 'DF' | 'NDF' | string | null;
  /** CHANNEL_INDEX is the recorder track number; INTERLEAVE_INDEX, the position in this file, defaults to the list order. */
  tracks?: { channelIndex: number; interleaveIndex?: number | null; name: string; function?: string | null }[];
}

/** Builds an iXML document; format facts (rate, depth, timestamp) come from the file being written. */
export function serializeIxml(
  fields: IxmlWriteFields,
  format: { sampleRate: number; bitDepth: number; timeReference: number | null },
): Buffer {
  const tag = (name: string, value: string | number | null | undefined, indent = '  '): string =>
    value === null || value === undefined || value === '' ? '' : `${indent}<${name}>${escapeXml(String(value))}</${name}>\n`;
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<BWFXML>\n';
  xml += tag('IXML_VERSION', '2.10');
  xml += tag('PROJECT', fields.project);
  xml += tag('SCENE', fields.scene);
  xml += tag('TAKE', fields.take);
  xml += tag('TAPE', fields.tape);
  xml += tag('NOTE', fields.note);
  xml += '  <SPEED>\n';
  if (fields.timecodeRate) {
    xml += tag('MASTER_SPEED', fields.timecodeRate, '    ');
    xml += tag('CURRENT_SPEED', fields.timecodeRate, '    ');
    xml += tag('TIMECODE_RATE', fields.timecodeRate, '    ');
    xml += tag('TIMECODE_FLAG', fields.timecodeFlag ?? 'NDF', '    ');
  }
  xml += tag('FILE_SAMPLE_RATE', format.sampleRate, '    ');
  xml += tag('AUDIO_BIT_DEPTH', format.bitDepth, '    ');
  if (format.timeReference !== null) {
    const tr = Math.max(0, Math.floor(format.timeReference));
    xml += tag('TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_HI', Math.floor(tr / 4294967296), '    ');
    xml += tag('TIMESTAMP_SAMPLES_SINCE_MIDNIGHT_LO', tr % 4294967296, '    ');
    xml += tag('TIMESTAMP_SAMPLE_RATE', format.sampleRate, '    ');
  }
  xml += '  </SPEED>\n';
  if (fields.tracks && fields.tracks.length > 0) {
    xml += '  <TRACK_LIST>\n';
    xml += tag('TRACK_COUNT', fields.tracks.length, '    ');
    fields.tracks.forEach((track, position) => {
      xml += '    <TRACK>\n';
      xml += tag('CHANNEL_INDEX', track.channelIndex, '      ');
      xml += tag('INTERLEAVE_INDEX', track.interleaveIndex ?? position + 1, '      ');
      xml += tag('NAME', track.name, '      ');
      xml += tag('FUNCTION', track.function, '      ');
      xml += '    </TRACK>\n';
    });
    xml += '  </TRACK_LIST>\n';
  }
  xml += '</BWFXML>\n';
  return Buffer.from(xml, 'utf8');
}
