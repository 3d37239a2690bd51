import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CabsyncError, WriteError } from '../errors.js';
import { isHash } from '../raw/blob.js';
import { isObject, versionOne } from '../json-file.js';
import { writeFileAtomic } from '../write/atomic.js';
import { attachmentPath, MANIFEST_PATH } from './paths.js';

/** What the archive knows about one mirrored file. Keyed in the manifest by its normalized URL. */
export interface AttachmentRecord {
  /** The copy, relative to the archive root: `files/uploads/X.pdf`. */
  path: string;
  /** SHA-256 of the copy's bytes, hex. */
  sha256: string;
  /** Bytes. */
  size: number;
  /** As the site sent it with these bytes. */
  contentType?: string;
  etag?: string;
  lastModified?: string;
  /** When these bytes were downloaded (ISO 8601). A 304 does not change it, so an unchanged site leaves the manifest as it is. */
  fetchedAt: string;
  /** The archive posts whose bodies link it, sorted. */
  linkedFrom: string[];
  /** Since when the site answers 404/410 for it (ISO 8601); the copy is kept. */
  missingUpstream?: string;
}

/** `files/manifest.json`: every mirrored file, by URL. */
export interface AttachmentManifest {
  version: 1;
  /** The site the URLs belong to (its origin), for resolving post links when verifying. */
  site: string;
  files: Record<string, AttachmentRecord>;
}

/** The attachment manifest cannot be used. Names the file. Exit 1. */
export class AttachmentManifestError extends CabsyncError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`, 1);
  }
}

export function manifestFile(archiveDir: string): string {
  return join(archiveDir, MANIFEST_PATH);
}

/** Reads the manifest; a missing one is empty, a damaged one an {@link AttachmentManifestError}. */
export async function readAttachmentManifest(archiveDir: string, site: string): Promise<AttachmentManifest> {
  const file = manifestFile(archiveDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, site, files: {} };
    throw new AttachmentManifestError(file, `cannot read: ${(error as Error).message}`);
  }
  return parseAttachmentManifest(file, text);
}

/** Parses and checks a manifest; anything unexpected is an error naming `file` and the entry. */
export function parseAttachmentManifest(file: string, text: string): AttachmentManifest {
  const parsed = versionOne(text, 'attachment manifest');
  if (!parsed.ok) throw new AttachmentManifestError(file, parsed.reason);
  const { site, files } = parsed.data;
  if (typeof site !== 'string') throw new AttachmentManifestError(file, '"site" is not a string');
  if (!isObject(files)) throw new AttachmentManifestError(file, '"files" is not an object');
  for (const [url, record] of Object.entries(files)) {
    const problem = recordProblem(url, record);
    if (problem) throw new AttachmentManifestError(file, `entry for ${url}: ${problem}`);
  }
  return { version: 1, site, files: files as AttachmentManifest['files'] };
}

/** Stable JSON: URLs sorted, keys in one order, so an unchanged manifest keeps its bytes. */
export function serializeAttachmentManifest(manifest: AttachmentManifest): string {
  const urls = Object.keys(manifest.files).sort();
  const files = Object.fromEntries(urls.map((url) => [url, ordered(manifest.files[url]!)]));
  return `${JSON.stringify({ version: 1, site: manifest.site, files }, null, 2)}\n`;
}

/** Writes the manifest atomically; a failure is a WriteError naming the file. */
export async function saveAttachmentManifest(archiveDir: string, manifest: AttachmentManifest): Promise<void> {
  const file = manifestFile(archiveDir);
  try {
    await writeFileAtomic(file, serializeAttachmentManifest(manifest));
  } catch (error) {
    throw new WriteError(file, error);
  }
}

const KEY_ORDER: readonly (keyof AttachmentRecord)[] = [
  'path',
  'sha256',
  'size',
  'contentType',
  'etag',
  'lastModified',
  'fetchedAt',
  'missingUpstream',
  'linkedFrom',
];

function ordered(record: AttachmentRecord): Partial<AttachmentRecord> {
  return Object.fromEntries(KEY_ORDER.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]));
}

function recordProblem(url: string, record: unknown): string | undefined {
  if (!isObject(record)) return 'not an object';
  const r = record;
  // The path is derived from the URL, never trusted as written: a hand-edited `../` cannot lead a reader out of files/.
  const expected = attachmentPath(url);
  if (!expected.ok) return expected.reason;
  if (r.path !== expected.path) return `"path" is not ${JSON.stringify(expected.path)}`;
  if (!isHash(r.sha256)) return '"sha256" is not a SHA-256';
  if (typeof r.size !== 'number' || !Number.isSafeInteger(r.size) || r.size < 0) return '"size" is not a byte count';
  if (typeof r.fetchedAt !== 'string' || Number.isNaN(Date.parse(r.fetchedAt))) return '"fetchedAt" is not a date';
  if (!Array.isArray(r.linkedFrom) || !r.linkedFrom.every((p) => typeof p === 'string'))
    return '"linkedFrom" is not a list of paths';
  for (const key of ['contentType', 'etag', 'lastModified', 'missingUpstream'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'string') return `"${key}" is not a string`;
  }
  return undefined;
}
