import { normalizeUrl, sitePage, type PathKey } from '../site/index.js';
import type { DiscoveredPost } from '../discover/discover.js';
import type { Fetched } from '../fetch/fetcher.js';
import { findSame } from '../dedupe/index.js';
import { WriteError } from '../errors.js';
import { applyPost, writeInOrder } from './apply.js';
import { decide } from './decide.js';
import { healthVerdict } from './health-verdict.js';
import { interpret, type Interpreted } from './interpret.js';
import { archivedPath, type FetchFacts, type PageOutcome, type SettledOutcome } from './outcome.js';
import { archivedAt, type Run } from './run.js';

/**
 * One page the site named, to its end: through the pipeline, its alias followed, and what became
 * of it (and of the post an alias led to) recorded in the ledger.
 */
export async function takePage(run: Run, page: DiscoveredPost): Promise<void> {
  if (!run.ledger.claim(page.url)) return;
  const outcome = await syncPage(run, page);
  if (outcome === undefined) return;
  if (outcome.kind === 'alias') return followAlias(run, page, outcome);
  run.ledger.record(page.url, outcome);
}

/**
 * fetch → extract → convert → dedupe → write for one page, as a value: decide whether to fetch,
 * fetch, interpret the body, apply a post. Undefined when the run stopped under it.
 */
export async function syncPage(run: Run, page: DiscoveredPost, aliasOf?: PathKey): Promise<PageOutcome | undefined> {
  if (run.fatal) return undefined;
  const decision = decide(run, page, aliasOf);
  if (decision.kind !== 'fetch') return decision;
  const response = await run.fetcher.get(page.url, decision.validators);
  if (run.fatal) return undefined;
  if (!response.ok) return fetchFailed(page, response.status, response.error, response.refused);
  const fetched = factsOf(run, page, response);
  if (response.notModified) {
    run.raw?.touch(page.url, {
      fetchedAt: fetched.at.toISOString(),
      etag: response.etag,
      lastModified: response.lastModified,
    });
    const verdict = run.state.urls[page.url]?.notPost;
    return verdict
      ? { kind: 'not-post', reason: verdict, fetched }
      : { kind: 'unchanged', path: archivedAt(run, page.url)?.path, fetched };
  }
  const body = response.body ?? '';
  const result = await bodyOutcome(run, page, body, response.finalUrl, aliasOf);
  if (result === undefined) return undefined;
  const { outcome, probed } = result;
  // The raw store keeps what reprocessing may need again: post pages, and pages that failed.
  if (outcome.kind !== 'not-post' && !(await keepRaw(run, body, fetched))) return undefined;
  return { ...outcome, fetched: { ...fetched, ...(probed && { probed }) } } as PageOutcome;
}

/** Stores the page body with --keep-raw; false when the store failed, which stops the run. */
async function keepRaw(run: Run, body: string, { response, at }: FetchFacts): Promise<boolean> {
  if (!run.raw) return true;
  const { status, finalUrl, etag, lastModified, contentType } = response;
  try {
    await run.raw.put(response.url, body, {
      status,
      finalUrl,
      fetchedAt: at.toISOString(),
      etag,
      lastModified,
      contentType,
    });
    return true;
  } catch (error) {
    run.fatal ??= error instanceof Error ? error : new Error(String(error));
    return false;
  }
}

/** A page's outcome, and the old paths asked about it as aliases (which the state remembers). */
export interface BodyResult {
  outcome: PageOutcome;
  probed?: PathKey[];
}

/**
 * Interpret → apply for a page body in hand: a fresh fetch, or a stored page when reprocessing.
 * Undefined when a write error stopped the run.
 */
export async function bodyOutcome(
  run: Run,
  page: DiscoveredPost,
  body: string,
  finalUrl: string,
  aliasOf?: PathKey,
): Promise<BodyResult | undefined> {
  const interpreted = await interpret(run, page, body, finalUrl, aliasOf);
  if (run.fatal) return undefined;
  if (interpreted.kind !== 'post') return { outcome: interpreted };
  const outcome = await apply(run, page.url, interpreted);
  return outcome && { outcome, probed: interpreted.probed };
}

/** Dedupe and write one post page; the health verdict is judged against the post it matched. */
async function apply(
  run: Run,
  url: string,
  { extracted, incoming }: Extract<Interpreted, { kind: 'post' }>,
): Promise<PageOutcome | undefined> {
  const { options } = run;
  const record = { url, sources: extracted.sources as Record<string, string>, chromeRemoved: extracted.chromeRemoved };
  try {
    const { applied, health } = await run.serial(async () => {
      const match = findSame(run.dedupe, incoming);
      const verdict = healthVerdict(record, incoming.post.body, match?.entry.post, options);
      return {
        applied: await applyPost({ archive: options.archive, dedupe: run.dedupe }, incoming, match, verdict.hold),
        health: verdict.health,
      };
    });
    if ((applied.kind === 'added' || applied.kind === 'updated') && !options.dryRun) {
      await writeInOrder(
        run.writes,
        options.archive,
        applied.path,
        applied.text,
        applied.kind === 'updated' ? applied.from : undefined,
      );
    }
    return { kind: 'applied', applied, canonicalUrl: incoming.canonicalUrl, health };
  } catch (error) {
    // Disk full or permission denied: stop the whole run cleanly, nothing half-written.
    if (!(error instanceof WriteError))
      return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
    run.fatal ??= error;
    return undefined;
  }
}

/** What the state keeps of a fetch, and the facts of the page it needs with them. */
function factsOf(run: Run, page: DiscoveredPost, response: Fetched<string>): FetchFacts {
  // Written without the listing: the author is still to come, and the next run asks for it.
  const unlisted = run.plan.listingDown && page.hints.author === undefined && !(page.named ?? []).includes('listing');
  const flags = { ...(page.vanished && { vanished: true as const }), ...(unlisted && { unlisted: true as const }) };
  return { response, at: new Date(), lastmod: page.lastmod, hints: page.hints, ...flags };
}

/**
 * A request that got no page. A URL the state knew that the site no longer names is gone (404, 410)
 * or not checked, never a failure; a URL the policy refuses is skipped.
 */
function fetchFailed(page: DiscoveredPost, status: number | undefined, error: string, refused?: boolean): PageOutcome {
  if (!page.vanished) return refused ? { kind: 'skipped', reason: error } : { kind: 'failed', reason: error };
  if (status === 404 || status === 410)
    return { kind: 'skipped', reason: `gone upstream (HTTP ${status})`, gone: `HTTP ${status}`, vanished: true };
  // Not the site's word on the post: nothing is concluded, and the next run asks again.
  return { kind: 'skipped', reason: `no longer named by the site; not checked: ${error}`, vanished: true };
}

/**
 * An alias page leads to its post: the post is taken through the pipeline now (whether or not the
 * crawl took it already: it gains the alias), and the alias page ends as its post did.
 */
async function followAlias(
  run: Run,
  page: DiscoveredPost,
  alias: Extract<PageOutcome, { kind: 'alias' }>,
): Promise<void> {
  const { target, fetched } = alias;
  const url = normalizeUrl(target, run.options.site);
  if (url === undefined)
    return run.ledger.record(page.url, {
      kind: 'failed',
      reason: `alias of ${target}, which is not on the site`,
      fetched,
    });
  // The target as discovery found it (its listing hints, lastmod and sources), when it did.
  const found = run.plan.pages.get(url) ?? { ...sitePage(url), hints: {} };
  const hints = {
    ...found.hints,
    ...page.hints,
    aliases: [...(found.hints.aliases ?? []), ...(page.hints.aliases ?? []), page.key],
  };
  run.ledger.claim(url);
  const outcome = await syncPage(run, { ...found, hints }, page.key);
  if (outcome === undefined) return;
  const settled: SettledOutcome =
    outcome.kind === 'alias' ? { kind: 'failed', reason: `alias chain: ${url} → ${outcome.target}` } : outcome;
  run.ledger.record(url, settled);
  const archived = settled.kind === 'unchanged' ? settled.path : archivedPath(settled);
  const notArchived = { kind: 'failed', reason: `alias of ${target}, which was not archived`, fetched } as const;
  run.ledger.record(
    page.url,
    archived === undefined ? notArchived : { kind: 'alias-archived', target, path: archived, fetched },
  );
}
