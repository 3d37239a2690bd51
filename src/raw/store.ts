import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WriteError } from '../errors.js';
import { writeFileAtomic } from '../write/atomic.js';
import { blobPath, hashOf, isHash, packBody, unpackBody } from './blob.js';
import {
  emptyManifest,
  parseManifest,
  RawStoreError,
  serializeManifest,
  type RawEntry,
  type RawManifest,
  type RawMeta,
} from './manifest.js';

export { RawStoreError, type RawEntry, type RawMeta } from './manifest.js';

/** The manifest's name inside the store folder. */
export const MANIFEST_NAME = 'manifest.json';

/** `<archive>/.cabsync/raw`, or the `--raw-dir` the user gave. */
export function rawDir(archiveDir: string, override?: string): string {
  return override ?? join(archiveDir, '.cabsync', 'raw');
}

/**
 * A content-addressed store of fetched pages: each body once, gzip-compressed, under its SHA-256;
 * a manifest maps each URL to its newest body and the response facts. Blobs are written at once;
 * the manifest only by {@link RawStore.save}.
 */
export interface RawStore {
  readonly dir: string;
  /** Stores `body` as the newest fetch of `url`. `added` is false when that exact body was already stored. */
  put(url: string, body: string, meta: RawMeta): Promise<{ hash: string; added: boolean }>;
  /** Refreshes the response facts of a stored URL (a 304 keeps the body); false when the URL has no entry. */
  touch(url: string, meta: Partial<RawMeta>): boolean;
  /** The entry of one URL, if stored. */
  entry(url: string): RawEntry | undefined;
  /** A stored body; a missing or damaged blob is a {@link RawStoreError} naming the file. */
  get(hash: string): Promise<string>;
  /** Every stored URL, sorted by URL. */
  entries(): RawEntry[];
  /** Writes the manifest atomically (only when something changed). */
  save(): Promise<void>;
}

/**
 * Opens (or starts) the store in `dir`. A missing manifest is an empty store; a damaged one is a
 * {@link RawStoreError}.
 *
 * @example
 * const store = await openRawStore(rawDir('./archive'));
 * await store.put(url, html, { status: 200, finalUrl: url, fetchedAt: new Date().toISOString() });
 * await store.save();
 */
export async function openRawStore(dir: string): Promise<RawStore> {
  const manifestFile = join(dir, MANIFEST_NAME);
  const manifest = await readManifest(manifestFile);
  let dirty = false;
  // Two pages with one body may be stored at once; the second waits for the first's write.
  const writing = new Map<string, Promise<boolean>>();

  async function writeBlob(hash: string, body: string): Promise<boolean> {
    const path = blobPath(dir, hash);
    if (await exists(path)) return false;
    try {
      await writeFileAtomic(path, packBody(body));
    } catch (error) {
      throw new WriteError(path, error);
    }
    return true;
  }

  return {
    dir,
    async put(url, body, meta) {
      const hash = hashOf(body);
      let pending = writing.get(hash);
      const first = pending === undefined;
      if (!pending) {
        pending = writeBlob(hash, body).finally(() => writing.delete(hash));
        writing.set(hash, pending);
      }
      const added = (await pending) && first;
      manifest.pages[url] = { hash, ...pickMeta(meta) } as RawManifest['pages'][string];
      dirty = true;
      return { hash, added };
    },
    touch(url, meta) {
      const entry = manifest.pages[url];
      if (!entry) return false;
      manifest.pages[url] = { ...entry, ...pickMeta(meta) };
      dirty = true;
      return true;
    },
    entry(url) {
      const entry = manifest.pages[url];
      return entry ? { url, ...entry } : undefined;
    },
    async get(hash) {
      if (!isHash(hash)) throw new RawStoreError(dir, `not a SHA-256 blob name: ${JSON.stringify(hash)}`);
      return readBlob(blobPath(dir, hash), hash);
    },
    entries() {
      return Object.keys(manifest.pages)
        .sort()
        .map((url) => ({ url, ...manifest.pages[url]! }));
    },
    async save() {
      if (!dirty && (await exists(manifestFile))) return;
      try {
        await writeFileAtomic(manifestFile, serializeManifest(manifest));
      } catch (error) {
        throw new WriteError(manifestFile, error);
      }
      dirty = false;
    },
  };
}

async function readManifest(file: string): Promise<RawManifest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyManifest();
    throw new RawStoreError(file, `cannot read: ${(error as Error).message}`);
  }
  return parseManifest(file, text);
}

async function readBlob(path: string, hash: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new RawStoreError(
      path,
      missing ? 'blob is missing (the raw store is incomplete)' : `cannot read: ${(error as Error).message}`,
    );
  }
  let body: string;
  try {
    body = unpackBody(bytes);
  } catch (error) {
    throw new RawStoreError(path, `damaged blob: ${(error as Error).message}`);
  }
  if (hashOf(body) !== hash) throw new RawStoreError(path, 'damaged blob: its content does not match its SHA-256 name');
  return body;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

const META_KEYS = ['status', 'finalUrl', 'fetchedAt', 'etag', 'lastModified', 'contentType'] as const;

// Only the known facts, none undefined: callers may pass a wider record, and touch() leaves absent facts alone.
function pickMeta(meta: Partial<RawMeta>): Partial<RawMeta> {
  const picked: Record<string, unknown> = {};
  for (const key of META_KEYS) if (meta[key] !== undefined) picked[key] = meta[key];
  return picked;
}
