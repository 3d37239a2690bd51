import type { ArchiveEntry } from '../archive/load.js';
import { pathKey } from '../site/index.js';
import { recordFetch, recordNotPost, recordProbed, type CrawlState } from '../fetch/state.js';
import type { SyncReport } from '../report/report.js';
import { archivedPath, type FetchFacts, type PageHealth, type SettledOutcome } from './outcome.js';

/** Counts for a progress display. */
export interface Progress {
  discovered: number;
  fetched: number;
  written: number;
  failed: number;
}

/**
 * The one writer of what a run found out: the report, the state's page entries, the progress counts
 * and the set of archive files seen upstream. Pages hand it outcomes; nothing else writes those.
 */
export interface Ledger {
  readonly report: SyncReport;
  readonly progress: Readonly<Progress>;
  /** Archive paths seen upstream this run (fetched, matched, or known by URL). */
  readonly present: ReadonlySet<string>;
  /** Layout health of every post page applied. */
  readonly healthPages: readonly PageHealth[];
  /** Pages judged no post this run (counted apart from the posts discovered). */
  readonly notPosts: number;
  /** True the first time a URL is taken through the pipeline this run; an alias's post may go again. */
  claim(url: string): boolean;
  /** Records what became of a URL (last word wins: an alias page ends as its post did). */
  record(url: string, outcome: SettledOutcome): void;
  /** Records every URL that has no outcome yet as failed, with why: nothing the site named may vanish. */
  settle(urls: Iterable<string>, reason: string): void;
  /**
   * Records what discovery found: how many pages (the progress display's first count), the sources
   * it could not read (they fail the run too) and the URLs it passed over.
   */
  discovery(found: DiscoveryFacts): void;
}

/** What the ledger keeps of a discovery. */
export interface DiscoveryFacts {
  posts: readonly unknown[];
  failed: readonly { url: string; error: string }[];
  skipped: readonly { url: string; reason: string }[];
}

export interface LedgerDeps {
  report: SyncReport;
  state: CrawlState;
  /** The archive post a URL already belongs to, if any. */
  archivedAt: (url: string) => ArchiveEntry | undefined;
  /** The archived text of a post (for `onText` when a page changed nothing). */
  textOf: (path: string) => string;
  onProgress?: (progress: Progress) => void;
  onText?: (text: string) => void;
}

export function createLedger(deps: LedgerDeps): Ledger {
  const { report, state } = deps;
  const progress: Progress = { discovered: 0, fetched: 0, written: 0, failed: 0 };
  const present = new Set<string>();
  const healthPages: PageHealth[] = [];
  const claimed = new Set<string>();
  let notPosts = 0;

  const bump = (key: keyof Progress, by = 1): void => {
    progress[key] += by;
    deps.onProgress?.(progress);
  };

  const record = (url: string, outcome: SettledOutcome): void => {
    // A URL that vanished from the site says nothing about its archived post being there.
    const fetched = 'fetched' in outcome ? outcome.fetched : undefined;
    const vanished = 'vanished' in outcome ? outcome.vanished : fetched?.vanished;
    const known = deps.archivedAt(url);
    if (known && (!vanished || outcome.kind === 'failed')) present.add(known.path);
    if (fetched) {
      bump('fetched');
      remember(url, outcome, fetched);
    }
    switch (outcome.kind) {
      case 'skipped':
        if (outcome.gone !== undefined && state.urls[url]) state.urls[url].gone = outcome.gone;
        return skip(url, outcome.reason);
      case 'not-post':
        notPosts += 1;
        return skip(url, outcome.reason);
      case 'unchanged':
        report.unchanged += 1;
        report.urls[url] = { outcome: 'unchanged', ...(outcome.path !== undefined && { path: outcome.path }) };
        return;
      case 'failed':
        return fail(url, outcome.reason);
      case 'alias-archived':
        report.merged[url] = outcome.path;
        report.mergedBy[url] = 'alias';
        report.urls[url] = { outcome: 'archived', path: outcome.path, reason: `alias of ${outcome.target}` };
        return;
      case 'applied':
        healthPages.push(outcome.health);
        return applied(url, outcome);
    }
  };

  const skip = (url: string, reason: string): void => {
    report.skipped.push({ url, reason });
    report.urls[url] = { outcome: 'skipped', reason };
  };

  const fail = (url: string, reason: string): void => {
    report.failed.push({ url, error: reason });
    report.urls[url] = { outcome: 'failed', reason };
    bump('failed');
  };

  const applied = (url: string, { applied, canonicalUrl }: Extract<SettledOutcome, { kind: 'applied' }>): void => {
    if (applied.kind === 'refused') return fail(url, applied.error);
    present.add(applied.path);
    if (applied.kind === 'held') {
      report.heldBack.push({ url, path: applied.path, shrank: applied.hold.shrank ?? [] });
      report.urls[url] = { outcome: 'skipped', path: applied.path, reason: applied.hold.reason };
      return;
    }
    report.urls[url] = { outcome: applied.kind === 'unchanged' ? 'unchanged' : 'archived', path: applied.path };
    deps.onText?.(applied.kind === 'unchanged' ? deps.textOf(applied.path) : applied.text);
    if (applied.kind === 'unchanged') report.unchanged += 1;
    else {
      bump('written');
      (applied.kind === 'added' ? report.added : report.updated).push(applied.path);
      report.changes.push(applied.change);
    }
    if (applied.kind === 'updated' && applied.from !== undefined) {
      report.renamed.push({ from: applied.from, to: applied.path });
      renamed(applied.from, applied.path);
    }
    const mergedElsewhere =
      applied.kind !== 'added' && (applied.reason !== 'url' || pathKey(url) !== pathKey(canonicalUrl));
    if (mergedElsewhere) {
      report.merged[url] = applied.path;
      if (applied.reason !== undefined) report.mergedBy[url] = applied.reason;
    }
  };

  /**
   * URLs the state sent to a renamed file now go to its new name (a scan of the state: renames are rare),
   * marked moved (the URL that renamed it was recorded just before, with the new name).
   */
  const renamed = (from: string, to: string): void => {
    for (const entry of Object.values(state.urls))
      if (entry.path === from) {
        entry.path = to;
        entry.moved = true;
      }
    present.delete(from);
    present.add(to);
  };

  /** The page's validators, kept only with a settled outcome: a rerun must not skip a page it never wrote. */
  const remember = (url: string, outcome: SettledOutcome, facts: FetchFacts): void => {
    if (facts.probed) recordProbed(state, url, facts.probed, facts.at);
    if (outcome.kind === 'not-post')
      return recordNotPost(state, facts.response, outcome.reason, facts.lastmod, facts.at);
    if (outcome.kind === 'unchanged')
      return void recordFetch(state, facts.response, facts.lastmod, facts.at, facts.hints);
    // A held-back page keeps no validators either: the next run asks again, and holds it again.
    const path = archivedPath(outcome);
    if (path === undefined) return;
    recordFetch(state, facts.response, facts.lastmod, facts.at, facts.hints);
    const entry = state.urls[url]!;
    entry.path = path;
    if (facts.unlisted) entry.unlisted = true;
    // A vanished URL that now leads to its post elsewhere (an alias page, a redirect) is no post page itself.
    if (facts.vanished && (outcome.kind === 'alias-archived' || pathKey(facts.response.finalUrl) !== pathKey(url)))
      entry.gone = `redirects to ${path}`;
  };

  return {
    report,
    progress,
    present,
    healthPages,
    get notPosts() {
      return notPosts;
    },
    claim(url) {
      if (claimed.has(url)) return false;
      claimed.add(url);
      return true;
    },
    record,
    settle(urls, reason) {
      for (const url of urls) if (report.urls[url] === undefined) record(url, { kind: 'failed', reason });
    },
    discovery({ posts, failed, skipped }) {
      bump('discovered', posts.length);
      report.failed.push(...failed);
      // Passed over by their URL alone: they say nothing of an archived post being upstream.
      for (const { url, reason } of skipped) skip(url, reason);
    },
  };
}
