import { UsageError } from '../errors.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../write/atomic.js';
import { isObject, versionOne } from '../json-file.js';
import { WriteError } from '../errors.js';
import type { DiscoveredPost, PostHints } from '../discover/discover.js';
import type { FetchResult } from './fetcher.js';
import type { SourceCache } from '../discover/sources.js';

/** What cabsync remembers about one URL between runs, to ask "changed since?" instead of downloading. */
export interface UrlState {
  etag?: string;
  lastModified?: string;
  /** When it was last fetched (ISO 8601). */
  fetchedAt: string;
  /** The sitemap lastmod seen at that fetch. */
  lastmod?: string;
  /** HTTP status of that fetch. */
  status?: number;
  /** The listing/feed hints the page was converted with (author, tags…), so `reprocess` can use them offline. */
  hints?: PostHints;
  /** Set when the page was judged no post (why): it is not fetched again until its lastmod moves. */
  notPost?: string;
  /** Conventional old paths already asked for as aliases of this post: never asked again. */
  probed?: string[];
  /**
   * The archive file the page was last merged into. A post whose file answers to another permalink
   * (its title was edited in the archive, or the site sets its own slug) is still known by its URL.
   */
  path?: string;
  /**
   * The URL no longer shows its post (it vanished from discovery and then answered 404, or an alias
   * page): why, and it is not asked again unless the site names it again.
   */
  gone?: string;
  /** Written while the listing could not be read: what only the listing shows (the author) is still to come. */
  unlisted?: true;
  /**
   * Its file was renamed for another URL (the post moved: a redate, a retitle): what this URL's validators
   * and lastmod describe is no longer what the file holds, so when the site lists it again it is read in full.
   */
  moved?: true;
}

export interface CrawlState {
  version: 1;
  urls: Record<string, UrlState>;
  /** Sitemaps, listing pages and feeds as last read, with their validators (src/discover/sources.ts). */
  sources?: SourceCache;
  /** Feeds read on earlier runs: read again when the listing that announces them is down. */
  feeds?: string[];
  /** Syncs completed on this archive (not dry runs): picks the listing pages a run revalidates. */
  runs?: number;
}

/** The state file could not be read as cabsync state; names the file and what is wrong. */
export class StateFileError extends UsageError {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason} (delete it to start over with a full crawl)`);
  }
}

/** `<archive>/.cabsync/state.json` */
export function stateFile(archiveDir: string): string {
  return join(archiveDir, '.cabsync', 'state.json');
}

/** Reads the state file. A missing file is an empty state; a corrupt one is a {@link StateFileError}. */
export async function loadState(archiveDir: string): Promise<CrawlState> {
  const file = stateFile(archiveDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, urls: {}, sources: {} };
    throw new StateFileError(file, `cannot read: ${(error as Error).message}`);
  }
  const parsed = versionOne(text, 'state');
  if (!parsed.ok) throw new StateFileError(file, parsed.reason);
  const state = parsed.data as Partial<CrawlState>;
  if (!isObject(state.urls)) throw new StateFileError(file, '"urls" is not an object');
  for (const [url, entry] of Object.entries(state.urls)) {
    if (entry === null || typeof entry !== 'object' || typeof entry.fetchedAt !== 'string')
      throw new StateFileError(file, `entry for ${url} has no fetchedAt`);
  }
  const sources = state.sources;
  if (sources !== undefined && (sources === null || typeof sources !== 'object' || Array.isArray(sources)))
    throw new StateFileError(file, '"sources" is not an object');
  const feeds =
    Array.isArray(state.feeds) && state.feeds.every((feed) => typeof feed === 'string') ? state.feeds : undefined;
  const runs = Number.isSafeInteger(state.runs) && state.runs! >= 0 ? state.runs : undefined;
  return {
    version: 1,
    urls: state.urls,
    sources: sources ?? {},
    ...(feeds && { feeds }),
    ...(runs !== undefined && { runs }),
  };
}

/**
 * Writes the state atomically (temp file, fsync, rename), URLs sorted so the file diffs well.
 * A failure (disk full, permission denied) is a {@link WriteError} naming the file.
 */
export async function saveState(archiveDir: string, state: CrawlState): Promise<void> {
  const urls = Object.fromEntries(Object.entries(state.urls).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const file = stateFile(archiveDir);
  try {
    const sources = Object.fromEntries(
      Object.entries(state.sources ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    await writeFileAtomic(
      file,
      `${JSON.stringify({ version: 1, urls, sources, feeds: state.feeds, runs: state.runs }, null, 2)}\n`,
    );
  } catch (error) {
    throw new WriteError(file, error);
  }
}

/**
 * False when the post can be skipped without a request: not `--full`, the last fetch succeeded,
 * and the sitemap lastmod is not newer than the one seen then (or, if none was seen, than the
 * fetch time). Comparing with the lastmod seen, not only the clock, survives a deploy that lands
 * after the commit date it reports.
 */
export function needsFetch(state: CrawlState, post: DiscoveredPost, full: boolean): boolean {
  if (full) return true;
  const entry = state.urls[post.url];
  if (entry === undefined || post.lastmod === undefined) return true;
  if (entry.status !== undefined && entry.status !== 200 && entry.status !== 304) return true;
  const lastmod = Date.parse(post.lastmod);
  if (Number.isNaN(lastmod)) return true;
  const reference = Date.parse(entry.lastmod ?? entry.fetchedAt);
  return Number.isNaN(reference) || lastmod > reference;
}

/**
 * Records a fetch in the state, in place (cost independent of the state's size). A 304 that
 * omits a validator keeps the stored one; a failed fetch changes nothing.
 */
export function recordFetch(
  state: CrawlState,
  result: FetchResult,
  lastmod?: string,
  now = new Date(),
  hints?: PostHints,
): CrawlState {
  if (!result.ok) return state;
  const previous = state.urls[result.url];
  const etag = result.etag ?? (result.notModified ? previous?.etag : undefined);
  const lastModified = result.lastModified ?? (result.notModified ? previous?.lastModified : undefined);
  const entry: UrlState = { fetchedAt: now.toISOString(), status: result.status };
  if (etag) entry.etag = etag;
  if (lastModified) entry.lastModified = lastModified;
  if (lastmod) entry.lastmod = lastmod;
  // Per field: a run that saw the post only in the sitemap must not forget the listing's author.
  const keptHints = { ...previous?.hints, ...hints };
  if (Object.keys(keptHints).length > 0) entry.hints = keptHints;
  if (previous?.probed) entry.probed = previous.probed;
  if (previous?.path) entry.path = previous.path;
  // A 304 confirms the last verdict; a new body is judged afresh by the caller.
  if (result.notModified && previous?.notPost) entry.notPost = previous.notPost;
  state.urls[result.url] = entry;
  return state;
}

/** Records that a fetched page is no post, and why: a re-sync skips it until its lastmod moves. */
export function recordNotPost(
  state: CrawlState,
  result: FetchResult,
  reason: string,
  lastmod?: string,
  now = new Date(),
): void {
  recordFetch(state, result, lastmod, now);
  const entry = state.urls[result.url];
  if (entry) entry.notPost = reason;
}

/** Records the old paths asked for as aliases of a post, so no later run asks again. */
export function recordProbed(state: CrawlState, url: string, paths: string[], now = new Date()): void {
  const entry = (state.urls[url] ??= { fetchedAt: now.toISOString() });
  entry.probed = [...new Set([...(entry.probed ?? []), ...paths])].sort();
}
