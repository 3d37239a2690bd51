import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../write/atomic.js';
import type { IndexKeys } from './load.js';
import type { FrontMatter } from './post.js';

/**
 * What loading one archive file yielded, keyed by what identifies its bytes on disk. A sync
 * reuses it while the file is unchanged, so a 10,000-post archive is not re-read and re-parsed
 * on every run. Disposable: a missing or damaged cache only means one full load.
 */
export interface CachedFile {
  mtimeMs: number;
  size: number;
  ino: number;
  frontMatter: FrontMatter;
  title: string;
  day: string;
  /** Where the body starts in the file, in bytes, and its length in characters. */
  bodyOffset: number;
  bodyLength: number;
  /** The post's index keys (URL paths, date and title), so loading does not make them again. */
  keys?: IndexKeys;
}

export interface LoadCache {
  version: 1;
  /** The {@link codeFingerprint} of the code that made the cached values. */
  code?: string;
  files: Record<string, CachedFile>;
}

let fingerprint: string | undefined;

/**
 * What the cached values were made by: the source of the modules that read a file and key a post
 * (archive/, site/). A cache made by other code (an upgrade, a change to Hugo's urlize) is stale as a
 * whole. Read once per process: a few dozen small files.
 */
export function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  for (const dir of [new URL('./', import.meta.url), new URL('../site/', import.meta.url)]) {
    for (const name of readdirSync(dir).filter((file) => /\.[jt]s$/.test(file) && !file.endsWith('.d.ts')).sort()) {
      hash.update(name).update(readFileSync(new URL(name, dir)));
    }
  }
  return (fingerprint = hash.digest('hex').slice(0, 16));
}

export function cacheFile(root: string): string {
  return join(root, '.cabsync', 'load-cache.json');
}

export function readCache(root: string): LoadCache {
  try {
    const data = JSON.parse(readFileSync(cacheFile(root), 'utf8')) as Partial<LoadCache>;
    if (data.version === 1 && data.code === codeFingerprint() && data.files && typeof data.files === 'object') return { version: 1, code: data.code, files: data.files };
  } catch {
    // Missing or damaged: start afresh.
  }
  return { version: 1, files: {} };
}

export async function writeCache(root: string, cache: LoadCache): Promise<void> {
  await writeFileAtomic(cacheFile(root), JSON.stringify({ ...cache, code: codeFingerprint() }));
}

/** The cached load of a file, if the file is still the one it was made from. */
export function cachedIfSame(cache: LoadCache, path: string, stat: { mtimeMs: number; size: number; ino: number }): CachedFile | undefined {
  const hit = cache.files[path];
  return hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size && hit.ino === stat.ino ? hit : undefined;
}

/** Only values JSON keeps exactly can be cached (YAML's `.inf` or `.nan` cannot). */
export function isJsonSafe(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonSafe);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isJsonSafe);
  return false;
}
