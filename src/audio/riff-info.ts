/** RIFF `LIST` chunks of type `INFO`: four-character keys (INAM, IART, ICMT, ICRD, ISFT...) with text. */

export function parseListInfo(data: Uint8Array): Record<string, string> | null {
  if (data.length < 4 || Buffer.from(data.subarray(0, 4)).toString('latin1') !== 'INFO') return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: Record<string, string> = {};
  let pos = 4;
  while (pos + 8 <= data.length) {
    const id = Buffer.from(data.subarray(pos, pos + 4)).toString('latin1');
    const size = view.getUint32(pos + 4, true);
    const start = pos + 8;
    const end = Math.min(start + size, data.length);
    let text = Buffer.from(data.subarray(start, end)).toString('latin1');
    const nul = text.indexOf('\0');
    if (nul >= 0) text = text.slice(0, nul);
    if (/^[\x20-\x7e]{4}$/.test(id)) out[id] = text;
    pos = start + size + (size & 1);
  }
  return out;
}

export function serializeListInfo(fields: Record<string, string>): Buffer | null {
  const parts: Buffer[] = [Buffer.from('INFO', 'latin1')];
  for (const [id, value] of Object.entries(fields)) {
    if (!/^[A-Z0-9 ]{4}$/.test(id)) throw new Error(`LIST/INFO key must be four characters: ${id}`);
    const text = Buffer.from(value + '\0', 'latin1');
    const header = Buffer.alloc(8);
    header.write(id, 0, 4, 'latin1');
    header.writeUInt32LE(text.length, 4);
    parts.push(header, text);
    if (text.length & 1) parts.push(Buffer.alloc(1));
  }
  return parts.length > 1 ? Buffer.concat(parts) : null;
}
