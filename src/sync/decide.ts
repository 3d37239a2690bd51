import type { DiscoveredPost } from '../discover/discover.js';
import type { Validators } from '../fetch/fetcher.js';
import { needsFetch, type UrlState } from '../fetch/state.js';
import { urlPathsOf } from '../archive/load.js';
import type { PathKey } from '../site/index.js';
import type { PageOutcome } from './outcome.js';
import { archivedAt, type Run } from './run.js';

/** Whether a page needs a request, and with which validators; or its outcome without one. */
export type Decision =
  { kind: 'fetch'; validators?: Validators } | Extract<PageOutcome, { kind: 'not-post' | 'unchanged' }>;

/**
 * The first step of a page: asks the state and the archive whether the page must be read again.
 * `aliasOf`: the alias path that led here, which the archived post must come to claim.
 */
export function decide(run: Run, page: DiscoveredPost, aliasOf?: PathKey): Decision {
  const { options, state } = run;
  const judged = state.urls[page.url];
  if (judged?.notPost && !options.full && !needsFetch(state, page, false))
    return { kind: 'not-post', reason: judged.notPost };
  // Validators only for pages the archive (and, with --keep-raw, the raw store) still has:
  // a deleted file must be fetched again in full.
  const known = archivedAt(run, page.url);
  const haveAll = known !== undefined && !options.full && (!run.raw || run.raw.entry(page.url) !== undefined);
  // A post that does not claim the alias yet is read again in full: the alias goes into its file.
  const unclaimed = aliasOf !== undefined && known !== undefined && !urlPathsOf(known).includes(aliasOf);
  const refresh = haveAll ? (unclaimed ? 'listing' : refreshReason(run, page, judged)) : undefined;
  if (haveAll && !refresh && !needsFetch(state, page, false)) return { kind: 'unchanged', path: known.path };
  // A page judged no post is asked "changed since?" too: its verdict stands on a 304. A page whose
  // listing entry changed, or that vanished, must be read whatever its validators say.
  const validators = (haveAll && refresh !== 'listing') || judged?.notPost ? judged : undefined;
  return { kind: 'fetch', validators: page.vanished ? undefined : validators };
}

/**
 * Why a known post whose sitemap entry did not move is read again anyway: its turn to be
 * revalidated came, or the listing now says something the archived post was written without.
 */
function refreshReason(
  run: Run,
  page: DiscoveredPost,
  judged: UrlState | undefined,
): 'revalidate' | 'listing' | undefined {
  if (page.vanished || judged?.moved) return 'listing';
  const listed = page.hints.author !== undefined || (page.named ?? []).includes('listing');
  if (judged?.unlisted && listed) return 'listing';
  if (page.hints.author !== undefined && page.hints.author !== judged?.hints?.author) return 'listing';
  if (run.plan.revalidate.has(page.url)) return 'revalidate';
  return undefined;
}
