import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DubstageError } from '../errors.js';
import { sha256File } from '../file-hash.js';
import { CHANNEL_SUFFIXES, roleFromName, splitChannelSuffix, type Manifest, type ManifestFile } from './package.js';
import { STEM_ROLES, type PackageRole } from './types.js';

/**
 * What `dubstage qc` was given: the audio elements (a file, or the mono files of a split
 * multichannel element grouped by their channel suffix) and the delivery's manifest.json.
 */

export interface PackageElement {
  /** File name; for a split element the common name without channel suffix and extension. */
  name: string;
  /** The name without extension or channel suffix (what the naming template describes). */
  base: string;
  /** One path, or one per channel of a split element (in CHANNEL_SUFFIXES order). */
  paths: string[];
  /** Channel suffix of each path (split elements), or null for a single file. */
  suffixes: string[] | null;
  role: PackageRole;
  /** Where the role came from. */
  roleFrom: 'manifest' | 'manifest-checksum' | 'name';
  /** The name manifest.json gives the file when it was found by checksum (a renamed file). */
  manifestName?: string;
}

export interface DiscoveredPackage {
  elements: PackageElement[];
  manifest: Manifest | null;
  manifestPath: string | null;
  /** Files listed in the manifest that no element matched. */
  missing: ManifestFile[];
}

const AUDIO = /\.(wav|bwf)$/i;

async function kindOf(path: string): Promise<'dir' | 'file'> {
  try {
    const s = await stat(path);
    if (s.isDirectory()) return 'dir';
    if (s.isFile()) return 'file';
    throw new DubstageError('input', 'is not a regular file or folder', path);
  } catch (error) {
    if (error instanceof DubstageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new DubstageError('input', code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(error)})`, path);
  }
}

/** Reads and minimally validates manifest.json (the fields QC uses). */
export async function readManifest(path: string): Promise<Manifest> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DubstageError('input', `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, path);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new DubstageError('input', `not valid JSON: ${(error as Error).message.split('\n')[0]}`, path);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new DubstageError('input', 'a manifest must be a JSON object', path);
  const m = doc as Partial<Manifest>;
  if (m.files !== undefined && !Array.isArray(m.files)) throw new DubstageError('input', '"files" must be a list', path);
  for (const [i, f] of (m.files ?? []).entries()) {
    if (typeof f !== 'object' || f === null || typeof f.name !== 'string') throw new DubstageError('input', `files[${i}] needs a "name"`, path);
  }
  return { ...m, files: m.files ?? [] } as Manifest;
}

async function sha256(file: string): Promise<string> {
  try {
    return await sha256File(file);
  } catch (error) {
    throw new DubstageError('input', `cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`, file);
  }
}

const ROLES: readonly string[] = [...STEM_ROLES, 'ME', 'FULLMIX', 'FOLDDOWN', 'UNKNOWN'];

/**
 * Lists the audio of `inputs` (folders: every .wav/.bwf directly in them, plus manifest.json;
 * files as given), groups split mono files into elements, and gives each element its role: from
 * manifest.json when it lists the file (by name, else by checksum for a renamed file), else from
 * the name. Throws DubstageError('input') for an input that does not exist or holds no audio.
 */
export async function discoverPackage(inputs: readonly string[]): Promise<DiscoveredPackage> {
  if (inputs.length === 0) throw new DubstageError('usage', 'no input: give a delivery folder or files');
  const files: string[] = [];
  let manifestPath: string | null = null;
  for (const input of inputs) {
    const kind = await kindOf(input);
    if (kind === 'dir') {
      let names: string[];
      try {
        names = (await readdir(input)).sort();
      } catch (error) {
        throw new DubstageError('input', `cannot list (${(error as NodeJS.ErrnoException).code ?? String(error)})`, input);
      }
      const audio = names.filter((n) => AUDIO.test(n) && !n.startsWith('.'));
      if (audio.length === 0) throw new DubstageError('input', 'holds no .wav or .bwf files', input);
      for (const n of audio) files.push(join(input, n));
      if (manifestPath === null && names.includes('manifest.json')) manifestPath = join(input, 'manifest.json');
    } else if (basename(input).toLowerCase() === 'manifest.json') {
      manifestPath ??= input;
    } else {
      files.push(input);
    }
  }
  if (files.length === 0) throw new DubstageError('input', 'no audio files among the inputs', inputs[0]!);
  const manifest = manifestPath === null ? null : await readManifest(manifestPath);

  // group "Name.L.wav" ... "Name.Rs.wav" (same folder) into one element
  const groups = new Map<string, { element: PackageElement; parts: { path: string; channel: string }[] }>();
  const elements: PackageElement[] = [];
  const seen = new Set<string>();
  for (const path of files) {
    if (seen.has(path)) continue;
    seen.add(path);
    const { base, channel } = splitChannelSuffix(basename(path));
    if (channel === null) {
      elements.push({ name: basename(path), base, paths: [path], suffixes: null, role: 'UNKNOWN', roleFrom: 'name' });
      continue;
    }
    const key = join(dirname(path), base);
    let group = groups.get(key);
    if (!group) {
      // the element takes the place of its first file in the input order
      group = { element: { name: base, base, paths: [], suffixes: [], role: 'UNKNOWN', roleFrom: 'name' }, parts: [] };
      groups.set(key, group);
      elements.push(group.element);
    }
    group.parts.push({ path, channel });
  }
  for (const group of groups.values()) {
    const order = CHANNEL_SUFFIXES[6]!;
    group.parts.sort((a, b) => order.indexOf(a.channel) - order.indexOf(b.channel));
    const { element } = group;
    element.paths = group.parts.map((p) => p.path);
    element.suffixes = group.parts.map((p) => p.channel);
  }

  const missing = await assignRoles(elements, manifest);
  return { elements, manifest, manifestPath, missing };
}

function validRole(role: unknown): PackageRole | null {
  return typeof role === 'string' && ROLES.includes(role) ? (role as PackageRole) : null;
}

/** Roles from the manifest (by file name, then by checksum), else from the names. Returns the unmatched manifest entries. */
async function assignRoles(elements: PackageElement[], manifest: Manifest | null): Promise<ManifestFile[]> {
  const entries = manifest?.files ?? [];
  const used = new Set<ManifestFile>();
  const byName = (fileName: string): ManifestFile | undefined => {
    const lower = fileName.toLowerCase();
    const stem = lower.replace(AUDIO, '');
    return entries.find((f) => !used.has(f) && (f.name.toLowerCase() === lower || f.name.toLowerCase() === stem));
  };
  const unmatched: PackageElement[] = [];
  for (const element of elements) {
    let role: PackageRole | null = null;
    for (const path of element.paths) {
      const entry = byName(basename(path));
      if (!entry) continue;
      used.add(entry);
      role ??= validRole(entry.role);
    }
    if (role !== null) {
      element.role = role;
      element.roleFrom = 'manifest';
    } else {
      unmatched.push(element);
    }
  }
  // a renamed file: find its manifest entry by checksum (only when some entry is still unmatched)
  for (const element of unmatched) {
    let role: PackageRole | null = null;
    if (entries.some((f) => !used.has(f) && typeof f.sha256 === 'string')) {
      for (const path of element.paths) {
        const digest = await sha256(path);
        const entry = entries.find((f) => !used.has(f) && f.sha256 === digest);
        if (!entry) continue;
        used.add(entry);
        role ??= validRole(entry.role);
        element.manifestName ??= entry.name;
      }
    }
    if (role !== null) {
      element.role = role;
      element.roleFrom = 'manifest-checksum';
    } else {
      element.role = roleFromName(element.base);
      element.roleFrom = 'name';
    }
  }
  return entries.filter((f) => !used.has(f));
}
