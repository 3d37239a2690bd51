import { urlPathKey, type ArchiveEntry } from '../archive/load.js';
import { dayOf, permalinkPath } from '../archive/slug.js';
import { serializePost } from '../archive/post.js';
import type { Extracted, PageHints } from '../extract/extract.js';
import { toPost } from '../convert/convert.js';
import type { Incoming } from '../dedupe/index.js';
import type { DiscoveredPost } from '../discover/discover.js';
import { needsFetch, recordFetch } from '../fetch/state.js';
import { chromeMisses, pageHealth } from '../health/health.js';
import { WriteError } from '../errors.js';
import { applyPost, writeInOrder, type Applied, type Gate } from './apply.js';
import { bump, type Run } from './run.js';

/** Metadata sources that are guesses (ids of src/extract/metadata-sources.ts), never allowed to overwrite the archive. */
const WEAK_SOURCES = new Set(['url-day', 'hint-day']);

type PostPage = Extract<Extracted, { kind: 'post' }>;

/** One discovered page through fetch → extract → convert → dedupe → write. Failures become report entries. */
export async function syncPage(run: Run, page: DiscoveredPost, extraAliases: string[] = []): Promise<Applied | undefined> {
  if (run.fatal) return undefined;
  // An alias may lead to a post the crawl handles anyway: each URL once per run.
  // (Following an alias may go again: its target gains the alias.)
  if (extraAliases.length === 0 && run.handled.has(page.url)) return undefined;
  run.handled.add(page.url);
  const { options, state, report } = run;
  const known = archivedAt(run, page.url);
  if (known) run.present.add(known.path);
  // Validators only for pages the archive (and, with --keep-raw, the raw store) still has:
  // a deleted file must be fetched again in full.
  const haveAll = known !== undefined && !options.full && (!run.raw || run.raw.entry(page.url) !== undefined);
  if (haveAll && !needsFetch(state, page, false)) {
    report.unchanged += 1;
    return undefined;
  }
  const fetched = await run.fetcher.get(page.url, haveAll ? state.urls[page.url] : undefined);
  if (run.fatal) return undefined;
  if (!fetched.ok) return fail(run, page.url, fetched.error);
  bump(run, 'fetched');
  const now = new Date();
  if (fetched.notModified) {
    report.unchanged += 1;
    recordFetch(state, fetched, page.lastmod, now, page.hints);
    run.raw?.touch(page.url, { fetchedAt: now.toISOString(), etag: fetched.etag, lastModified: fetched.lastModified });
    return undefined;
  }
  const body = fetched.body ?? '';
  if (run.raw) {
    const meta = { status: fetched.status, finalUrl: fetched.finalUrl, fetchedAt: now.toISOString(), etag: fetched.etag, lastModified: fetched.lastModified, contentType: fetched.contentType };
    try {
      await run.raw.put(page.url, body, meta);
    } catch (error) {
      run.fatal ??= error instanceof Error ? error : new Error(String(error));
      return undefined;
    }
  }
  const applied = await processBody(run, page, body, fetched.finalUrl, extraAliases);
  // Validators only once the page's file is written: a rerun must not skip a page it never wrote.
  if (applied && applied.kind !== 'refused') recordFetch(state, fetched, page.lastmod, now, page.hints);
  return applied;
}

/**
 * Extract → convert → dedupe → write for a page body already in hand: a fresh fetch, or a stored
 * page when reprocessing.
 */
export async function processBody(run: Run, page: DiscoveredPost, body: string, finalUrl: string, extraAliases: string[] = []): Promise<Applied | undefined> {
  let converted;
  try {
    converted = await run.pool.convert({ html: body, url: finalUrl, hints: page.hints as PageHints });
  } catch (error) {
    return fail(run, page.url, `convert: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { extracted, markdown, compare } = converted;
  if (run.fatal) return undefined;
  if (extracted.kind === 'alias') return followAlias(run, page, extracted.target, extraAliases);
  if (extracted.kind !== 'post') return fail(run, page.url, describeNonPost(extracted));
  const incoming = { ...toIncoming(run, page, extracted, markdown ?? '', extraAliases), compare };
  let applied: Applied;
  try {
    const ctx = { archive: run.options.archive, dedupe: run.dedupe };
    applied = await run.serial(() => applyPost(ctx, incoming, healthGate(run, page.url, extracted, incoming)));
    if ((applied.kind === 'added' || applied.kind === 'updated') && !run.options.dryRun) {
      await writeInOrder(run.writes, run.options.archive, applied.path, applied.text);
    }
  } catch (error) {
    // Disk full or permission denied: stop the whole run cleanly, nothing half-written.
    if (error instanceof WriteError) run.fatal ??= error;
    else return fail(run, page.url, error instanceof Error ? error.message : String(error));
    return undefined;
  }
  recordApplied(run, page.url, incoming, applied);
  return applied;
}

/** Records the page's layout health; under --strict-health a page with issues is held back. */
function healthGate(run: Run, url: string, extracted: PostPage, incoming: Incoming): Gate {
  return (archived) => {
    const record = { url, sources: extracted.sources as Record<string, string>, chromeRemoved: extracted.chromeRemoved };
    const issues = pageHealth({ ...record, markdown: incoming.post.body, archivedMarkdown: archived?.body });
    run.healthPages.push({ ...record, issues });
    if (!run.options.strictHealth) return undefined;
    const reasons = issues.map((issue) => issue.message);
    const missed = chromeMisses(record);
    if (missed.length > 0) reasons.push(`chrome rules matched nothing: ${missed.join(', ')}`);
    return reasons.length > 0 ? `held back by --strict-health: ${reasons.join('; ')}` : undefined;
  };
}

async function followAlias(run: Run, page: DiscoveredPost, target: string, extraAliases: string[]): Promise<Applied | undefined> {
  if (extraAliases.length > 0) return fail(run, page.url, `alias chain: ${page.url} → ${target}`);
  // Reprocessing has no network: the target is reprocessed from its own stored page.
  if (run.offline) {
    run.report.skipped.push({ url: page.url, reason: `alias of ${target}` });
    return undefined;
  }
  const alias = urlPathKey(page.url);
  const applied = await syncPage(run, { url: target, hints: { ...page.hints, aliases: [...(page.hints.aliases ?? []), alias] } }, [alias]);
  if (applied && applied.kind !== 'added' && applied.kind !== 'refused') run.report.merged[page.url] = applied.path;
  return applied;
}

function toIncoming(run: Run, page: DiscoveredPost, extracted: PostPage, markdown: string, extraAliases: string[]): Incoming {
  const canonicalPath = urlPathKey(extracted.canonicalUrl);
  const aliases = new Set<string>([...(extracted.meta.aliases ?? []), ...(page.hints.aliases ?? []), ...extraAliases].map(urlPathKey));
  for (const [alias, target] of run.discoveryAliases ?? []) if (urlPathKey(target) === canonicalPath) aliases.add(urlPathKey(alias));
  // A post reached under another URL than its canonical one keeps that URL as an alias.
  if (urlPathKey(page.url) !== canonicalPath) aliases.add(urlPathKey(page.url));
  // The canonical path is the post's own unless its slug is not the title's (a retitled post keeps its old URL).
  const day = dayOf(extracted.meta.date);
  if (!day || canonicalPath === urlPathKey(permalinkPath(day, extracted.meta.title))) aliases.delete(canonicalPath);
  else aliases.add(canonicalPath);
  const meta = { ...extracted.meta, aliases: aliases.size > 0 ? [...aliases].sort() : undefined };
  const post = toPost({ ...extracted, meta }, markdown);
  const weakFields = Object.entries(extracted.sources)
    .filter(([, source]) => source !== undefined && WEAK_SOURCES.has(source))
    .map(([field]) => field);
  // Hugo writes a description for every page; adding it to old files would rewrite the whole archive.
  weakFields.push('description');
  return { post, canonicalUrl: extracted.canonicalUrl, aliases: [...aliases], day: dayOf(meta.date), title: meta.title, weakFields };
}

function recordApplied(run: Run, url: string, incoming: Incoming, applied: Applied): void {
  const { report } = run;
  if (applied.kind === 'refused') {
    fail(run, url, applied.error);
    return;
  }
  run.present.add(applied.path);
  const existing = run.dedupe.archive.byPath.get(applied.path);
  if (run.hooks.onText) run.hooks.onText(applied.kind === 'unchanged' ? (existing ? serializePost(existing.post) : '') : applied.text);
  if (applied.kind === 'unchanged') report.unchanged += 1;
  else {
    bump(run, 'written');
    (applied.kind === 'added' ? report.added : report.updated).push(applied.path);
    report.changes.push(applied.change);
  }
  const mergedElsewhere = applied.kind !== 'added' && (applied.reason !== 'url' || urlPathKey(url) !== urlPathKey(incoming.canonicalUrl));
  if (mergedElsewhere) report.merged[url] = applied.path;
}

function describeNonPost(extracted: Exclude<Extracted, { kind: 'post' | 'alias' }>): string {
  switch (extracted.kind) {
    case 'listing':
      return 'not a post page (a listing page)';
    case 'other':
      return `not a post page (${extracted.reason})`;
    case 'failed':
      return extracted.reason;
  }
}

export function fail(run: Run, url: string, error: string): undefined {
  const known = archivedAt(run, url);
  if (known) run.present.add(known.path);
  run.report.failed.push({ url, error });
  bump(run, 'failed');
  return undefined;
}

/** The archive post a URL already belongs to, if any. */
function archivedAt(run: Run, url: string): ArchiveEntry | undefined {
  return run.dedupe.archive.byUrlPath.get(urlPathKey(url))?.[0];
}
