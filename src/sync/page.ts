import { normalizeUrl, pathKey, revealedAliases } from '../site/index.js';
import { dayOf } from '../archive/slug.js';
import { serializePost } from '../archive/post.js';
import type { Extracted, PageHints } from '../extract/extract.js';
import { toPostWith } from '../convert/post.js';
import type { Incoming } from '../dedupe/index.js';
import type { DiscoveredPost } from '../discover/discover.js';
import { needsFetch, recordFetch, recordNotPost, type UrlState } from '../fetch/state.js';
import { chromeMisses, pageHealth, shrinkage } from '../health/health.js';
import { WriteError } from '../errors.js';
import { applyPost, writeInOrder, type Applied, type Gate } from './apply.js';
import { archivedAt, bump, setOutcome, type Run } from './run.js';
import { probeAliases } from './probe.js';

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
  const { options, state } = run;
  const known = archivedAt(run, page.url);
  if (known && !page.vanished) run.present.add(known.path);
  const judged = state.urls[page.url];
  if (judged?.notPost && !options.full && !needsFetch(state, page, false)) return notPostAgain(run, page.url, judged.notPost);
  // Validators only for pages the archive (and, with --keep-raw, the raw store) still has:
  // a deleted file must be fetched again in full.
  const haveAll = known !== undefined && !options.full && (!run.raw || run.raw.entry(page.url) !== undefined);
  const refresh = haveAll ? refreshReason(run, page, judged) : undefined;
  if (haveAll && !refresh && !needsFetch(state, page, false)) return unchanged(run, page.url, known.path);
  // A page judged no post is asked "changed since?" too: its verdict stands on a 304. A page whose
  // listing entry changed, or that vanished, must be read whatever its validators say.
  const validators = (haveAll && refresh !== 'listing') || judged?.notPost ? judged : undefined;
  const fetched = await run.fetcher.get(page.url, page.vanished ? undefined : validators);
  if (run.fatal) return undefined;
  if (!fetched.ok) {
    if (page.vanished) return vanished(run, page.url, fetched.status, fetched.error);
    return fetched.refused ? skip(run, page.url, fetched.error) : fail(run, page.url, fetched.error);
  }
  bump(run, 'fetched');
  const now = new Date();
  if (fetched.notModified) {
    recordFetch(state, fetched, page.lastmod, now, page.hints);
    run.raw?.touch(page.url, { fetchedAt: now.toISOString(), etag: fetched.etag, lastModified: fetched.lastModified });
    const verdict = state.urls[page.url]?.notPost;
    return verdict ? notPostAgain(run, page.url, verdict) : unchanged(run, page.url, known?.path);
  }
  const body = fetched.body ?? '';
  const outcome = await processBody(run, page, body, fetched.finalUrl, extraAliases);
  // The raw store keeps what reprocessing may need again: post pages, and pages that failed.
  if (run.raw && outcome !== NOT_A_POST) {
    const meta = { status: fetched.status, finalUrl: fetched.finalUrl, fetchedAt: now.toISOString(), etag: fetched.etag, lastModified: fetched.lastModified, contentType: fetched.contentType };
    try {
      await run.raw.put(page.url, body, meta);
    } catch (error) {
      run.fatal ??= error instanceof Error ? error : new Error(String(error));
      return undefined;
    }
  }
  // Validators only once the page's file is written: a rerun must not skip a page it never wrote.
  if (outcome === NOT_A_POST) recordNotPost(state, fetched, state.urls[page.url]?.notPost ?? 'not a post', page.lastmod, now);
  // A held-back page keeps no validators either: the next run asks again, and holds it again.
  else if (outcome && outcome.kind !== 'refused' && outcome.kind !== 'held') {
    recordFetch(state, fetched, page.lastmod, now, page.hints);
    const entry = state.urls[page.url]!;
    entry.path = outcome.path;
    // Written without the listing: the author is still to come, and the next run asks for it.
    if (run.listingDown && page.hints.author === undefined && !(page.named ?? []).includes('listing')) entry.unlisted = true;
    // A vanished URL that now leads to its post elsewhere (an alias page, a redirect) is no post page itself.
    if (page.vanished && (pathKey(fetched.finalUrl) !== pathKey(page.url) || run.report.urls[page.url]?.reason?.startsWith('alias of'))) {
      entry.gone = `redirects to ${outcome.path}`;
    }
  }
  return outcome === NOT_A_POST ? undefined : outcome;
}

/**
 * Why a known post whose sitemap entry did not move is read again anyway: its turn to be
 * revalidated came, or the listing now says something the archived post was written without.
 */
function refreshReason(run: Run, page: DiscoveredPost, judged: UrlState | undefined): 'revalidate' | 'listing' | undefined {
  if (page.vanished) return 'listing';
  const listed = page.hints.author !== undefined || (page.named ?? []).includes('listing');
  if (judged?.unlisted && listed) return 'listing';
  if (page.hints.author !== undefined && page.hints.author !== judged?.hints?.author) return 'listing';
  if (run.revalidate.has(page.url)) return 'revalidate';
  return undefined;
}

/** A URL the state knew that the site no longer names answered with an error: gone (404, 410), or not checked. */
function vanished(run: Run, url: string, status: number | undefined, error: string): undefined {
  if (status === 404 || status === 410) {
    const entry = run.state.urls[url];
    if (entry) entry.gone = `HTTP ${status}`;
    return skip(run, url, `gone upstream (HTTP ${status})`);
  }
  // Not the site's word on the post: nothing is concluded, and the next run asks again.
  run.report.warnings.push(`could not check ${url}, which the site no longer names: ${error}`);
  return skip(run, url, `no longer named by the site; not checked: ${error}`);
}

/**
 * Extract → convert → dedupe → write for a page body already in hand: a fresh fetch, or a stored
 * page when reprocessing.
 */
export async function processBody(run: Run, page: DiscoveredPost, body: string, finalUrl: string, extraAliases: string[] = []): Promise<Applied | typeof NOT_A_POST | undefined> {
  let converted;
  try {
    converted = await run.pool.convert({ html: body, url: finalUrl, hints: page.hints as PageHints });
  } catch (error) {
    return fail(run, page.url, `convert: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { extracted, markdown, compare } = converted;
  if (run.fatal) return undefined;
  if (extracted.kind === 'alias') return followAlias(run, page, extracted.target, extraAliases);
  if (extracted.kind === 'failed') return fail(run, page.url, extracted.reason);
  if (extracted.kind !== 'post') return notAPost(run, page, describeNonPost(extracted));
  // The site reveals an alias by redirecting it: a page fetched at one URL and served from another.
  const redirectedFrom = pathKey(finalUrl) === pathKey(page.url) ? [] : [page.url];
  const probed = run.offline ? [] : await probeAliases(run, page.url, extracted);
  const aliases = revealedAliases(extracted.canonicalUrl, [...(extracted.meta.aliases ?? []), ...extraAliases, ...redirectedFrom, ...probed]);
  const incoming = { ...toIncoming(page, extracted, markdown ?? '', aliases), compare };
  let applied: Applied;
  try {
    const ctx = { archive: run.options.archive, dedupe: run.dedupe };
    applied = await run.serial(() => applyPost(ctx, incoming, healthGate(run, page.url, extracted, incoming)));
    if ((applied.kind === 'added' || applied.kind === 'updated') && !run.options.dryRun) {
      await writeInOrder(run.writes, run.options.archive, applied.path, applied.text, applied.kind === 'updated' ? applied.from : undefined);
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

/**
 * Records the page's layout health. A page that would shrink or empty an archived post is held back
 * unless --accept-shrink; under --strict-health a page with any other issue is refused too.
 */
function healthGate(run: Run, url: string, extracted: PostPage, incoming: Incoming): Gate {
  return (archived) => {
    const record = { url, sources: extracted.sources as Record<string, string>, chromeRemoved: extracted.chromeRemoved };
    const issues = pageHealth({ ...record, markdown: incoming.post.body, archivedMarkdown: archived?.body });
    run.healthPages.push({ ...record, issues });
    const shrank = run.options.acceptShrink ? [] : shrinkage(issues);
    if (shrank.length > 0) return { reason: `held back: ${shrank.map((issue) => issue.message).join('; ')}`, shrank: shrank.map((issue) => issue.message) };
    if (!run.options.strictHealth) return undefined;
    const reasons = issues.map((issue) => issue.message);
    const missed = chromeMisses(record);
    if (missed.length > 0) reasons.push(`chrome rules matched nothing: ${missed.join(', ')}`);
    return reasons.length > 0 ? { reason: `held back by --strict-health: ${reasons.join('; ')}` } : undefined;
  };
}

async function followAlias(run: Run, page: DiscoveredPost, target: string, extraAliases: string[]): Promise<Applied | undefined> {
  if (extraAliases.length > 0) return fail(run, page.url, `alias chain: ${page.url} → ${target}`);
  // Reprocessing has no network: the target is reprocessed from its own stored page.
  if (run.offline) return skip(run, page.url, `alias of ${target}`);
  const alias = pathKey(page.url);
  // The target as discovery found it (its listing hints, lastmod and sources), when it did.
  const found = run.discovered.get(normalizeUrl(target, run.options.site) ?? target);
  const hints = { ...found?.hints, ...page.hints, aliases: [...(found?.hints.aliases ?? []), ...(page.hints.aliases ?? []), alias] };
  const applied = await syncPage(run, { ...found, url: found?.url ?? target, hints }, [alias]);
  if (applied && applied.kind !== 'refused' && applied.kind !== 'held') {
    run.report.merged[page.url] = applied.path;
    run.report.mergedBy[page.url] = 'alias';
    setOutcome(run, page.url, { outcome: 'archived', path: applied.path, reason: `alias of ${target}` });
  } else if (!run.report.urls[page.url]) {
    setOutcome(run, page.url, { outcome: 'failed', reason: `alias of ${target}, which was not archived` });
  }
  return applied;
}

function toIncoming(page: DiscoveredPost, extracted: PostPage, markdown: string, aliases: string[]): Incoming {
  const meta = { ...extracted.meta, aliases: aliases.length > 0 ? aliases : undefined };
  const post = toPostWith({ ...extracted, meta }, markdown);
  const weakFields = Object.entries(extracted.sources)
    .filter(([, source]) => source !== undefined && WEAK_SOURCES.has(source))
    .map(([field]) => field);
  // Hugo writes a description for every page; adding it to old files would rewrite the whole archive.
  weakFields.push('description');
  return { post, canonicalUrl: extracted.canonicalUrl, aliases, day: dayOf(meta.date), title: meta.title, weakFields };
}

function recordApplied(run: Run, url: string, incoming: Incoming, applied: Applied): void {
  const { report } = run;
  if (applied.kind === 'refused') {
    fail(run, url, applied.error);
    return;
  }
  if (applied.kind === 'held') {
    run.present.add(applied.path);
    report.heldBack.push({ url, path: applied.path, shrank: applied.hold.shrank ?? [] });
    setOutcome(run, url, { outcome: 'skipped', path: applied.path, reason: applied.hold.reason });
    return;
  }
  run.present.add(applied.path);
  setOutcome(run, url, { outcome: applied.kind === 'unchanged' ? 'unchanged' : 'archived', path: applied.path });
  const existing = run.dedupe.archive.byPath.get(applied.path);
  if (run.hooks.onText) run.hooks.onText(applied.kind === 'unchanged' ? (existing ? serializePost(existing.post) : '') : applied.text);
  if (applied.kind === 'unchanged') report.unchanged += 1;
  else {
    bump(run, 'written');
    (applied.kind === 'added' ? report.added : report.updated).push(applied.path);
    report.changes.push(applied.change);
  }
  if (applied.kind === 'updated' && applied.from !== undefined) {
    report.renamed.push({ from: applied.from, to: applied.path });
    renameInState(run, applied.from, applied.path);
  }
  const mergedElsewhere = applied.kind !== 'added' && (applied.reason !== 'url' || pathKey(url) !== pathKey(incoming.canonicalUrl));
  if (mergedElsewhere) {
    report.merged[url] = applied.path;
    if (applied.reason !== undefined) report.mergedBy[url] = applied.reason;
  }
}

/** URLs the state sent to a renamed file now go to its new name (a scan of the state: renames are rare). */
function renameInState(run: Run, from: string, to: string): void {
  for (const entry of Object.values(run.state.urls)) if (entry.path === from) entry.path = to;
  run.present.delete(from);
  run.present.add(to);
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
  setOutcome(run, url, { outcome: 'failed', reason: error });
  bump(run, 'failed');
  return undefined;
}

/** A page judged no post (now or on an earlier run): skipped, and counted apart from the posts. */
function notPostAgain(run: Run, url: string, reason: string): undefined {
  run.notPosts += 1;
  return skip(run, url, reason);
}

/** Marks a page the sync leaves alone on purpose, with why. */
function skip(run: Run, url: string, reason: string): undefined {
  run.report.skipped.push({ url, reason });
  setOutcome(run, url, { outcome: 'skipped', reason });
  return undefined;
}

function unchanged(run: Run, url: string, path: string | undefined): undefined {
  run.report.unchanged += 1;
  setOutcome(run, url, { outcome: 'unchanged', ...(path !== undefined && { path }) });
  return undefined;
}

/** Returned for a page judged no post, so that the verdict is remembered with the page's validators. */
export const NOT_A_POST = Symbol('not a post');

/**
 * A page that is no post. The listing and the feed name only posts: such a page there is a failure
 * (the site changed under us). A sitemap URL is simply not a post: skipped, and remembered.
 */
function notAPost(run: Run, page: DiscoveredPost, reason: string): typeof NOT_A_POST | undefined {
  const namedAsPost = !page.vanished && (page.named === undefined || page.named.some((source) => source !== 'sitemap'));
  if (namedAsPost) return fail(run, page.url, reason);
  notPostAgain(run, page.url, reason);
  const entry: UrlState | undefined = run.state.urls[page.url];
  if (entry) entry.notPost = reason;
  else run.state.urls[page.url] = { fetchedAt: new Date().toISOString(), notPost: reason };
  return NOT_A_POST;
}
