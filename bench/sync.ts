// Sync figures: the CLI runs in a child process against the fixture site served from this process,
// so the two never share CPU time or memory figures. Requests are counted in the server's log.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyncReport } from '../src/report/report.js';
import { startFixtureSite } from '../fixtures/site/server.js';
import type { RequestLogEntry, SitePost } from '../fixtures/site/types.js';
import { writeArchive } from './archive.js';
import { runCli, runNode, type ChildRun } from './child.js';

/** One `cabsync sync` as seen from both ends. */
export interface SyncRun extends ChildRun {
  report: SyncReport;
  requests: RequestLogEntry[];
  /** 200 responses with a body on post permalinks. */
  postBodies: number;
}

const POST_PATH = /^\/\d{4}\/\d\d\/\d\d\/[^/]+\/$/;

/** A temp dir for one archive, removed afterwards unless BENCH_KEEP=1 (to look into a miss). */
async function withArchive<T>(name: string, use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `cabsync-bench-${name}-`));
  try {
    return await use(dir);
  } finally {
    if (process.env.BENCH_KEEP === '1') process.stderr.write(`bench: kept ${dir}\n`);
    else await rm(dir, { recursive: true, force: true });
  }
}

async function syncOnce(
  siteUrl: string,
  log: RequestLogEntry[],
  archive: string,
  concurrency: number,
): Promise<SyncRun> {
  // What earlier runs and setup wrote or removed goes to disk first: the run pays only for its own writes.
  spawnSync('sync');
  const from = log.length;
  const run = await runCli([
    'sync',
    '--site',
    siteUrl,
    '--archive',
    archive,
    '--rate',
    '0',
    '--concurrency',
    String(concurrency),
    '--json',
  ]);
  if (run.code !== 0 && run.code !== 1) throw new Error(`cabsync sync exited ${run.code}:\n${run.stderr.slice(-2000)}`);
  const report = JSON.parse(run.stdout) as SyncReport;
  const requests = log.slice(from);
  const postBodies = requests.filter(
    (r) => r.status === 200 && r.bytes > 0 && POST_PATH.test(r.path.split('?')[0]!),
  ).length;
  return { ...run, report, requests, postBodies };
}

/** mtime of every file under `dir` (the state and report folder left out). */
async function mtimes(dir: string): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.md')) continue;
    const path = join(entry.parentPath, entry.name);
    result.set(path, (await stat(path)).mtimeMs);
  }
  return result;
}

export interface ColdAndResync {
  /** The faster of the cold syncs (each into an empty archive of its own). */
  cold: SyncRun;
  /** Wall time of every cold sync, in run order. */
  coldWalls: number[];
  /** requests × latency / concurrency */
  idealMs: number;
  resync: SyncRun;
  /** .md files whose mtime changed, or that appeared, in the re-sync. */
  filesWritten: number;
}

/**
 * `rounds` cold syncs of `posts`, each into an empty archive (the fastest counts: timing noise on a
 * shared machine only ever adds), then a re-sync of the last one with nothing changed.
 */
export async function coldAndResync(
  posts: SitePost[],
  latencyMs: number,
  concurrency: number,
  rounds = 2,
): Promise<ColdAndResync> {
  // Pages pre-rendered and pre-compressed, as a static host serves them: the server shares the two cores.
  const site = await startFixtureSite({ posts, latencyMs, idleTimeoutMs: 600_000, precompute: true });
  try {
    const colds: SyncRun[] = [];
    for (let round = 1; round < rounds; round += 1)
      colds.push(
        await withArchive(`cold-${posts.length}`, (archive) => syncOnce(site.url, site.log, archive, concurrency)),
      );
    return await withArchive(`cold-${posts.length}`, async (archive) => {
      colds.push(await syncOnce(site.url, site.log, archive, concurrency));
      const cold = colds.reduce((best, run) => (run.wallMs < best.wallMs ? run : best));
      const before = await mtimes(archive);
      const resync = await syncOnce(site.url, site.log, archive, concurrency);
      const after = await mtimes(archive);
      const filesWritten = [...after].filter(([path, mtime]) => before.get(path) !== mtime).length;
      return {
        cold,
        coldWalls: colds.map((run) => run.wallMs),
        idealMs: (cold.requests.length * latencyMs) / concurrency,
        resync,
        filesWritten,
      };
    });
  } finally {
    await site.close();
  }
}

export interface ArchiveSizeRun {
  archivePosts: number;
  archiveBytes: number;
  /** The sync that fetches the new and edited posts. */
  changed: SyncRun;
  /** The sync right after, with nothing left to fetch: the fixed cost of a run at this archive size. */
  idle: SyncRun;
  /** Post pages fetched and converted by `changed`. */
  pages: number;
  /** CPU of the changed sync in each round, when rounds were merged (see bench.ts). */
  cpuRuns?: number[];
}

export interface SiteChanges {
  /** Newest posts the archive does not have yet. */
  added: number;
  /** Archive posts whose body and lastmod change upstream, spread over the newest 1,000. */
  edited: number;
}

/**
 * `all` newest first: the site serves the newest `size + added`, the archive already holds the
 * `size` after the first `added`; `edited` of those change upstream. The same pages are new or
 * edited whatever `size` is, so per-page figures compare like with like.
 */
export async function syncIntoArchive(
  all: SitePost[],
  size: number,
  changes: SiteChanges,
  latencyMs: number,
  concurrency: number,
): Promise<ArchiveSizeRun> {
  const served = all.slice(0, size + changes.added);
  const step = Math.floor(Math.min(size, 1000) / changes.edited);
  const editedAt = new Set(Array.from({ length: changes.edited }, (_, i) => changes.added + i * step));
  const upstream = served.map((post, i) => (editedAt.has(i) ? edit(post) : post));
  const site = await startFixtureSite({ posts: upstream, latencyMs, idleTimeoutMs: 600_000 });
  try {
    return await withArchive(`size-${size}`, async (archive) => {
      const written = await writeArchive(archive, served.slice(changes.added), site.url);
      // A maintained archive carries the load cache its previous sync left (the workflow caches .cabsync):
      // made by the built code, as the CLI's own (the cache is dropped when the code that made it differs).
      await (await builtLoader()).loadArchive(archive, { cache: true });
      const changed = await syncOnce(site.url, site.log, archive, concurrency);
      const idle = await syncOnce(site.url, site.log, archive, concurrency);
      return { archivePosts: written.files, archiveBytes: written.bytes, changed, idle, pages: changed.postBodies };
    });
  } finally {
    await site.close();
  }
}

/** The archive loader of the built CLI (dist/), not of the sources this file runs from. */
async function builtLoader(): Promise<typeof import('../src/archive/load.js')> {
  return (await import(
    new URL('../dist/src/archive/load.js', import.meta.url).href
  )) as typeof import('../src/archive/load.js');
}

function edit(post: SitePost): SitePost {
  const lastmod = new Date(Date.parse(post.date) + 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
  return {
    ...post,
    lastmod,
    bodyHtml: `${post.bodyHtml}<p>Corrected after the meeting: the action items were assigned.</p>\n`,
  };
}

const HUGO_ROOT = fileURLToPath(new URL('../fixtures/hugo/public/', import.meta.url));
const ALTERNATIVE = fileURLToPath(new URL('./readability-sync.mjs', import.meta.url));

/** The alternative pipeline's run: what it fetched, what it wrote. */
export interface AlternativeRun extends ChildRun {
  requests: RequestLogEntry[];
  pages: number;
  written: number;
}

export interface HugoComparison {
  /** Best wall time of each, over `rounds` cold runs, alternating. */
  cabsync: SyncRun;
  alternative: AlternativeRun;
}

/**
 * A cold sync of the Hugo-built fixture site (fixtures/hugo/public) by cabsync and by the usual
 * alternative (bench/readability-sync.mjs: sitemap, every page, Readability, turndown), over the same
 * server with the same latency and concurrency. Each runs `rounds` times, alternating; the best counts.
 */
export async function hugoComparison(latencyMs: number, concurrency: number, rounds = 2): Promise<HugoComparison> {
  const site = await startFixtureSite({ root: HUGO_ROOT, latencyMs, idleTimeoutMs: 600_000, precompute: true });
  let cabsync: SyncRun | undefined;
  let alternative: AlternativeRun | undefined;
  try {
    for (let round = 0; round < rounds; round += 1) {
      const alt = await withArchive('hugo-alternative', async (out) => {
        const from = site.log.length;
        const run = await runNode(ALTERNATIVE, [site.url, out, String(concurrency)]);
        if (run.code !== 0) throw new Error(`readability-sync.mjs exited ${run.code}:\n${run.stderr.slice(-2000)}`);
        const { pages, written } = JSON.parse(run.stdout) as { pages: number; written: number };
        return { ...run, requests: site.log.slice(from), pages, written };
      });
      const ours = await withArchive('hugo', (archive) => syncOnce(site.url, site.log, archive, concurrency));
      if (!alternative || alt.wallMs < alternative.wallMs) alternative = alt;
      if (!cabsync || ours.wallMs < cabsync.wallMs) cabsync = ours;
    }
  } finally {
    await site.close();
  }
  return { cabsync: cabsync!, alternative: alternative! };
}
