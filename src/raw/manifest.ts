import { CabsyncError } from '../errors.js';
import { isHash } from './blob.js';
import { isObject, versionOne } from '../json-file.js';

/** What was known about a page when it was fetched. */
export interface RawMeta {
  /** HTTP status of the response the body came from. */
  status: number;
  /** The URL the body was served from, after redirects. */
  finalUrl: string;
  /** When it was fetched (ISO 8601). */
  fetchedAt: string;
  etag?: string;
  lastModified?: string;
  contentType?: string;
}

/** One stored page: its URL, the blob holding its body, and the response facts. */
export interface RawEntry extends RawMeta {
  url: string;
  /** SHA-256 of the body's UTF-8 bytes; names the blob. */
  hash: string;
}

/** `manifest.json`: the newest stored body of each URL. */
export interface RawManifest {
  version: 1;
  pages: Record<string, Omit<RawEntry, 'url'>>;
}

/** The raw store cannot be used: a blob or the manifest is missing or damaged. Names the file. Exit 1. */
export class RawStoreError extends CabsyncError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`, 1);
  }
}

export function emptyManifest(): RawManifest {
  return { version: 1, pages: {} };
}

/** Parses and checks a manifest; anything unexpected is a {@link RawStoreError} naming `file`. */
export function parseManifest(file: string, text: string): RawManifest {
  const parsed = versionOne(text, 'raw manifest');
  if (!parsed.ok) throw new RawStoreError(file, parsed.reason);
  const pages = parsed.data.pages as RawManifest['pages'] | undefined;
  if (!isObject(pages)) throw new RawStoreError(file, '"pages" is not an object');
  for (const [url, entry] of Object.entries(pages)) {
    const problem = entryProblem(entry);
    if (problem) throw new RawStoreError(file, `entry for ${url}: ${problem}`);
  }
  return { version: 1, pages };
}

/** Stable JSON: URLs sorted, so an unchanged store writes the same bytes. */
export function serializeManifest(manifest: RawManifest): string {
  const pages = Object.fromEntries(Object.entries(manifest.pages).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ version: 1, pages }, null, 2)}\n`;
}

function entryProblem(entry: unknown): string | undefined {
  if (entry === null || typeof entry !== 'object') return 'not an object';
  const e = entry as Record<string, unknown>;
  if (!isHash(e.hash)) return '"hash" is not a SHA-256';
  if (typeof e.status !== 'number') return '"status" is not a number';
  if (typeof e.finalUrl !== 'string') return '"finalUrl" is not a string';
  if (typeof e.fetchedAt !== 'string' || Number.isNaN(Date.parse(e.fetchedAt))) return '"fetchedAt" is not a date';
  for (const key of ['etag', 'lastModified', 'contentType'] as const) {
    if (e[key] !== undefined && typeof e[key] !== 'string') return `"${key}" is not a string`;
  }
  return undefined;
}
