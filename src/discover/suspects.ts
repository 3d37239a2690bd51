import type { Fetcher } from '../fetch/fetcher.js';
import { isPostPath, normalizeUrl, postPathDate } from './normalize-url.js';
import { aliasTarget } from './alias.js';
import type { Candidate } from './merge.js';

/** What discovery knows about how much of each full source it saw. */
export interface Coverage {
  /** The sitemap (and every child) was read. */
  sitemap: boolean;
  /** Every listing page requested was read. */
  listing: boolean;
  /** The oldest day the listing pages read reach back to; `undefined` when every page was read. */
  listingFrom?: string;
}

/** Where discovery's side results go. */
export interface Outcome {
  aliases: Map<string, string>;
  skipped: { url: string; reason: string }[];
  failed: { url: string; error: string }[];
  log: (message: string) => void;
}

interface Facts {
  permalink: boolean;
  inSitemap: boolean;
  inListing: boolean;
  /** The listing pages read reach the candidate's day, so the listing should have shown it. */
  listingCovers: boolean;
  coverage: Coverage;
}

/**
 * May a candidate be an alias page, to be fetched once to find out? First matching rule wins.
 * The feed holds only the newest 30, so its silence proves nothing.
 */
const SUSPECT_RULES: readonly { applies: (f: Facts) => boolean; suspect: (f: Facts) => boolean; why: string }[] = [
  { applies: (f) => !f.permalink, suspect: () => true, why: 'a listing entry that links no permalink may link an alias page' },
  { applies: (f) => f.inSitemap && f.inListing, suspect: () => false, why: 'both full sources list it as a post' },
  { applies: (f) => f.inListing, suspect: (f) => f.coverage.sitemap && f.coverage.listing, why: 'a read sitemap lists every post; a permalink it lacks may be an alias' },
  {
    applies: (f) => f.inSitemap,
    suspect: (f) => f.coverage.sitemap && f.coverage.listing && f.listingCovers,
    why: 'the listing pages read reach its day yet lack it; older than they reach, sitemap-only is normal (paging stopped early)',
  },
  { applies: () => true, suspect: (f) => f.coverage.sitemap || f.coverage.listing, why: 'only the feed lists it, though a full source was read' },
];

/** Whether `candidate` may be an alias page (see SUSPECT_RULES). */
export function isSuspect(candidate: Candidate, coverage: Coverage): boolean {
  const path = new URL(candidate.url).pathname;
  const day = postPathDate(path);
  const facts: Facts = {
    permalink: isPostPath(path),
    inSitemap: candidate.sources.has('sitemap'),
    inListing: candidate.sources.has('listing'),
    listingCovers: coverage.listingFrom === undefined || (day !== undefined && day > coverage.listingFrom),
    coverage,
  };
  return SUSPECT_RULES.find((rule) => rule.applies(facts))?.suspect(facts) ?? false;
}

/** Fetches each suspect once: an alias page becomes an alias of its post; a non-post is dropped. */
export async function resolveSuspects(site: URL, candidates: Map<string, Candidate>, coverage: Coverage, fetcher: Fetcher, out: Outcome): Promise<void> {
  const suspects = [...candidates.values()].filter((candidate) => isSuspect(candidate, coverage));
  await Promise.all(suspects.map((suspect) => resolveSuspect(site, suspect, candidates, fetcher, out)));
}

async function resolveSuspect(site: URL, suspect: Candidate, candidates: Map<string, Candidate>, fetcher: Fetcher, out: Outcome): Promise<void> {
  const isPost = isPostPath(new URL(suspect.url).pathname);
  const result = await fetcher.get(suspect.url);
  if (!result.ok) {
    out.failed.push({ url: suspect.url, error: result.error });
    if (!isPost) drop(candidates, suspect, `could not check whether it is an alias: ${result.error}`, out);
    return;
  }
  const redirected = normalizeUrl(result.finalUrl, site);
  const target = redirected !== suspect.url ? redirected : normalizeTarget(result.body, result.finalUrl, site);
  if (target === undefined || target === suspect.url) {
    if (!isPost) drop(candidates, suspect, 'not a post permalink and not an alias page', out);
    return;
  }
  if (!isPostPath(new URL(target).pathname)) {
    drop(candidates, suspect, `alias of ${target}, which is not a post`, out);
    return;
  }
  const aliasPath = new URL(suspect.url).pathname;
  out.aliases.set(aliasPath, target);
  out.log(`discover: alias ${aliasPath} → ${target}`);
  candidates.delete(suspect.url);
  const post = candidates.get(target) ?? { url: target, hints: {}, sources: new Set(), entry: false };
  // The alias's hints (say, a listing entry linking the old path) describe the same post.
  post.hints = { ...suspect.hints, ...post.hints, aliases: [...new Set([...(post.hints.aliases ?? []), aliasPath])].sort() };
  for (const source of suspect.sources) post.sources.add(source);
  candidates.set(target, post);
}

function normalizeTarget(body: string | undefined, pageUrl: string, site: URL): string | undefined {
  const target = body === undefined ? undefined : aliasTarget(body, pageUrl);
  return target === undefined ? undefined : normalizeUrl(target, site);
}

function drop(candidates: Map<string, Candidate>, candidate: Candidate, reason: string, out: Outcome): void {
  candidates.delete(candidate.url);
  out.skipped.push({ url: candidate.url, reason });
}
