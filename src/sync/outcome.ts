import type { Fetched } from '../fetch/fetcher.js';
import type { PageHealthIssue, PageRecord } from '../health/health.js';
import type { PostHints } from '../discover/discover.js';
import type { Applied } from './apply.js';

/**
 * What a page's fetch taught that the state must remember (validators, the hints it was converted
 * with): carried with the outcome, so that only the ledger writes the state, and only once the
 * outcome is known (a rerun must not skip a page it never wrote).
 */
export interface FetchFacts {
  response: Fetched<string>;
  at: Date;
  lastmod?: string;
  hints: PostHints;
  /** The page was named by the site before and is not any more (see DiscoveredPost.vanished). */
  vanished?: true;
  /** Written while the listing was down: what only the listing shows (the author) is still to come. */
  unlisted?: true;
  /** Conventional old paths asked for as aliases of this post (see probe.ts). */
  probed?: string[];
}

/** A post page's layout health, judged before it was applied. */
export type PageHealth = PageRecord & { issues: PageHealthIssue[] };

/**
 * What became of one page. Every step of the page pipeline returns one; {@link Ledger.record} is
 * the only place that turns it into report entries, state, progress and presence.
 */
export type PageOutcome =
  /** Left alone on purpose: refused by policy, gone upstream, not checked. `gone`: the state's verdict. */
  | { kind: 'skipped'; reason: string; gone?: string; vanished?: true }
  /** Judged no post, now (with `fetched`) or on an earlier run: skipped, counted apart from the posts. */
  | { kind: 'not-post'; reason: string; fetched?: FetchFacts; vanished?: true }
  /** The archived file stands: nothing announced a change, or the server said 304. */
  | { kind: 'unchanged'; path?: string; fetched?: FetchFacts }
  | { kind: 'failed'; reason: string; fetched?: FetchFacts }
  /** An alias page: the caller follows `target` and records what became of both. */
  | { kind: 'alias'; target: string; fetched?: FetchFacts }
  /** An alias page whose post was archived (at `path`). */
  | { kind: 'alias-archived'; target: string; path: string; fetched?: FetchFacts }
  /** A post page through dedupe: written, matched, held back or refused (see Applied). */
  | { kind: 'applied'; applied: Applied; canonicalUrl: string; health: PageHealth; fetched?: FetchFacts };

/** What the ledger records: an alias is followed first, and becomes what its post became. */
export type SettledOutcome = Exclude<PageOutcome, { kind: 'alias' }>;

/** A failure, the one outcome the run-wide stops (a deadline, a cap, a write error) need. */
export function failed(reason: string): SettledOutcome {
  return { kind: 'failed', reason };
}

/** The archive file an outcome leaves the page in, when the post is archived. */
export function archivedPath(outcome: PageOutcome): string | undefined {
  if (outcome.kind === 'alias-archived') return outcome.path;
  if (outcome.kind !== 'applied') return undefined;
  const { applied } = outcome;
  return applied.kind === 'refused' || applied.kind === 'held' ? undefined : applied.path;
}
