import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { loadArchive, type ArchiveEntry } from '../archive/load.js';
import { pathKey, type PathKey } from '../site/index.js';
import { buildDedupeIndex, type DedupeIndex } from '../dedupe/index.js';
import { createFetcher, type Fetcher } from '../fetch/fetcher.js';
import { loadState, saveState, type CrawlState } from '../fetch/state.js';
import { newReport, newSyncId, saveReport, type SyncReport } from '../report/report.js';
import { USER_AGENT } from '../version.js';
import { removeTempFiles, syncDirs } from '../write/atomic.js';
import { FILES_DIR } from '../attachments/paths.js';
import { acquireLock } from '../write/lock.js';
import { RunDeadlineError } from '../fetch/deadline.js';
import { createConvertPool, type ConvertPool } from './convert-pool.js';
import type { WriteQueue } from './apply.js';
import { openRawStore, rawDir, type RawStore } from '../raw/store.js';
import type { Progress } from './ledger.js';
import { coverageWarning, healthReport } from '../health/health.js';
import { serializePost } from '../archive/post.js';
import { createLedger, type Ledger } from './ledger.js';
export type { Progress } from './ledger.js';
import type { SyncOptions } from './options.js';
import type { DiscoveredPost } from '../discover/discover.js';

export interface RunHooks {
  /** Called whenever a count changes (the CLI draws it on a TTY). */
  progress?: (progress: Readonly<Progress>) => void;
  /** Verbose messages (skipped URLs and why). */
  log?: (message: string) => void;
  /** Receives the text of each post as it is (or would be) written; `fetch --stdout` prints it. */
  onText?: (text: string) => void;
  /**
   * Stops the run early: no new page is taken once it aborts, pages under way finish, and every
   * page not done is reported failed with the abort reason; report and state are written as usual.
   */
  signal?: AbortSignal;
}

/** The state one sync/fetch run carries from stage to stage. Built once, passed along; nothing global. */
export interface Run {
  options: SyncOptions;
  hooks: RunHooks;
  dedupe: DedupeIndex;
  state: CrawlState;
  fetcher: Fetcher;
  /** The one writer of the report, the state's page entries, the progress and the presence set. */
  ledger: Ledger;
  /** Dedupe one page at a time, so two pages of one post never race. */
  serial: ReturnType<typeof pLimit>;
  /** Extract → convert, on worker threads where a core is free. */
  pool: ConvertPool;
  /** Pending file writes by archive path (see writeInOrder). */
  writes: WriteQueue;
  /** The raw page store, with --keep-raw or when reprocessing. */
  raw?: RawStore;
  /** True when reprocessing stored pages: nothing may touch the network. */
  offline: boolean;
  /** Set by the first write error: the run stops taking new pages. */
  fatal?: Error;
  /** Comparison keys of the URLs this run has looked up (each discovered URL is, several times). */
  urlKeys: Map<string, PathKey>;
  /** What discovery told the run about its pages. */
  plan: RunPlan;
}

/** What discovery told a run about its pages: set once, before the first page, read by the steps. */
export interface RunPlan {
  /** The pages found, by URL: an alias followed to its target takes the target's hints. */
  pages: Map<string, DiscoveredPost>;
  /** Path keys of every page found. */
  keys: Set<PathKey>;
  /** Known posts this run re-downloads although the sitemap says nothing changed (see `--revalidate`). */
  revalidate: Set<string>;
  /** Discovery could not read the listing: posts written now lack what only the listing shows. */
  listingDown: boolean;
}

/**
 * Runs `work` on a freshly opened run, under the archive's lock (a dry run writes nothing and
 * takes none), and closes everything on every way out.
 */
export async function withRun(
  options: SyncOptions,
  hooks: RunHooks,
  command: SyncReport['command'],
  work: (run: Run) => Promise<SyncReport>,
  offline = false,
): Promise<SyncReport> {
  // A lock lost to another run (this one was stopped past the stale time) stops this run: never two writers.
  let lost: ((error: Error) => void) | undefined;
  const lock = options.dryRun
    ? undefined
    : await acquireLock(options.archive, {
        onCompromised: (error) => (lost ? lost(error) : process.emitWarning(error)),
      });
  const deadline = runDeadline(options.maxDurationMs, hooks.signal);
  try {
    const run = await openRun(options, { ...hooks, signal: deadline.signal }, command, offline);
    lost = (error) => {
      process.emitWarning(error);
      run.fatal ??= error;
    };
    try {
      return await work(run);
    } finally {
      await disposeRun(run);
    }
  } finally {
    deadline.clear();
    await lock?.release();
  }
}

/** The caller's signal joined with the run's deadline: past `ms`, it aborts with a {@link RunDeadlineError}. */
function runDeadline(ms: number, caller: AbortSignal | undefined): { signal: AbortSignal; clear(): void } {
  const own = new AbortController();
  const timer = setTimeout(() => own.abort(new RunDeadlineError(ms)), ms);
  timer.unref();
  return { signal: caller ? AbortSignal.any([caller, own.signal]) : own.signal, clear: () => clearTimeout(timer) };
}

/** Loads the archive, its dedupe index and crawl state, and opens the fetcher. */
export async function openRun(
  options: SyncOptions,
  hooks: RunHooks,
  command: SyncReport['command'],
  offline = false,
): Promise<Run> {
  // A run killed mid-write leaves temp files; the lock we hold makes them ours to clear.
  if (!options.dryRun) {
    for (const dir of [
      join(options.archive, 'posts'),
      join(options.archive, FILES_DIR),
      join(options.archive, '.cabsync'),
      rawDir(options.archive, options.rawDir),
    ])
      await removeTempFiles(dir);
  }
  // The load cache is written only by runs that hold the lock.
  const index = await loadArchive(options.archive, { cache: !options.dryRun });
  const raw = options.keepRaw || offline ? await openRawStore(rawDir(options.archive, options.rawDir)) : undefined;
  const state = await loadState(options.archive);
  const fetcher = createFetcher(options.site, {
    userAgent: USER_AGENT,
    concurrency: options.concurrency,
    rateMs: options.rateMs,
    log: hooks.log,
    ...options.fetch,
    // Past the run's deadline requests under way are cut and no more are sent.
    ...(hooks.signal && { signal: hooks.signal }),
  });
  const startedAt = new Date();
  const report = newReport({
    id: newSyncId(startedAt, randomBytes(2).toString('hex')),
    site: options.site.origin,
    archive: options.archive,
    command,
    dryRun: options.dryRun,
    startedAt: startedAt.toISOString(),
    malformed: index.malformed,
    strictHealth: options.strictHealth,
  });
  const dedupe = buildDedupeIndex(index);
  const run: Run = {
    options,
    hooks,
    dedupe,
    state,
    fetcher,
    ledger: undefined as unknown as Ledger,
    serial: pLimit(1),
    writes: { pending: new Map(), checkedDirs: new Set(), unsyncedDirs: new Set() },
    pool: createConvertPool(),
    raw,
    offline,
    urlKeys: new Map(),
    // A run without discovery (a fetch by hand, reprocessing) knows nothing more of its pages.
    plan: { pages: new Map(), keys: new Set(), revalidate: new Set(), listingDown: false },
  };
  run.ledger = createLedger({
    report,
    state,
    archivedAt: (url) => archivedAt(run, url),
    textOf: (path) => {
      const entry = dedupe.archive.byPath.get(path);
      return entry ? serializePost(entry.post) : '';
    },
    onProgress: hooks.progress,
    onText: hooks.onText,
  });
  return run;
}

/** Saves state and the report (not in a dry run). */
export async function closeRun(run: Run): Promise<SyncReport> {
  const stats = run.fetcher.stats();
  const { report } = run.ledger;
  report.requests = { total: stats.total, notModified: stats.notModified, bytes: stats.bytes, retries: stats.retries };
  if (stats.validatorsIgnored)
    report.warnings.push('the server ignores ETag/Last-Modified validators: every page is downloaded in full');
  const stopped = stopReason(run.hooks.signal);
  if (stopped)
    report.warnings.push(
      `the run stopped early (${stopped.message}): what was done is kept, the pages not done are failed and come first next run`,
    );
  report.health = healthReport(run.ledger.healthPages);
  const uncovered = report.coverage && coverageWarning(report.coverage);
  if (uncovered) report.health.warnings.push(uncovered);
  report.finishedAt = new Date().toISOString();
  report.added.sort();
  report.updated.sort();
  report.missingUpstream?.sort();
  if (!run.options.dryRun) {
    // The posts' folders are fsynced once each, before the state that records the posts as written.
    await syncDirs(run.writes.unsyncedDirs);
    if (!run.offline) await saveState(run.options.archive, run.state);
    await run.raw?.save();
    await saveReport(run.options.archive, report);
  }
  return report;
}

/**
 * Runs every page to its end, whatever happens to the others: an unexpected error in one page
 * stops the run (as a write error does) but never leaves sibling pages writing after the run closed.
 */
export async function runPages<T>(run: Run, pages: readonly T[], handle: (page: T) => Promise<unknown>): Promise<void> {
  // A few loops that each take the next page, rather than a queued promise per page: a 10,000-page
  // run would otherwise hold 10,000 pending promises and closures from the start.
  let next = 0;
  const loop = async (): Promise<void> => {
    while (next < pages.length && !run.hooks.signal?.aborted) {
      const page = pages[next++]!;
      await handle(page).catch((error: unknown) => {
        run.fatal ??= error instanceof Error ? error : new Error(String(error));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(pages.length, Math.max(8, run.options.concurrency * 4)) }, loop));
}

/** Nothing the site named may vanish: a URL that reached no outcome (a stopped run) is reported as failed. */
export function accountForEvery(run: Run, urls: Iterable<string>): void {
  const stopped = run.fatal ?? stopReason(run.hooks.signal);
  run.ledger.settle(urls, stopped ? `not processed: the run stopped (${stopped.message})` : 'not processed');
}

/** Why the run's signal stopped it, as an error (an abort reason may be anything). */
function stopReason(signal: AbortSignal | undefined): Error | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
}

/** Saves state and report, then rethrows the run's first write error, if any (it outranks later ones). */
export async function finishRun(run: Run): Promise<SyncReport> {
  // Every page is converted: the worker threads' memory goes before the state and report are written.
  await run.pool.close();
  // Another run holds the archive now: its state and report are not ours to write over.
  if (run.fatal?.name === 'LockCompromisedError') throw run.fatal;
  const report = await closeRun(run).catch((error: unknown) => {
    throw run.fatal ?? error;
  });
  if (run.fatal) throw run.fatal;
  return report;
}

/** Closes the fetcher and the worker threads; called once, on every path out of a run. */
export async function disposeRun(run: Run): Promise<void> {
  await Promise.all([run.fetcher.close(), run.pool.close()]);
}

/** The archive post a URL already belongs to, if any: by the post's URLs, else by where the state says it went. */
export function archivedAt(run: Run, url: string): ArchiveEntry | undefined {
  const byUrl = run.dedupe.archive.byUrlPath.get(urlKey(run, url))?.[0];
  if (byUrl) return byUrl;
  const path = run.state.urls[url]?.path;
  return path === undefined ? undefined : run.dedupe.archive.byPath.get(path);
}

/** {@link pathKey} of a URL, kept for the run. */
export function urlKey(run: Run, url: string): PathKey {
  let key = run.urlKeys.get(url);
  if (key === undefined) run.urlKeys.set(url, (key = pathKey(url)));
  return key;
}
