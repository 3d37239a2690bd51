import { pathKey, revealedAliases, type PathKey } from '../site/index.js';
import { dayOf } from '../archive/slug.js';
import type { Extracted } from '../extract/extract.js';
import { toPostWith } from '../convert/post.js';
import { isGuess } from '../extract/metadata-sources.js';
import type { Incoming } from '../dedupe/index.js';
import type { DiscoveredPost } from '../discover/discover.js';
import type { PageOutcome } from './outcome.js';
import { probeAliases } from './probe.js';
import type { Run } from './run.js';

export type PostPage = Extract<Extracted, { kind: 'post' }>;

/** What a page body is: a post to apply (with the old paths asked about), or an outcome already. */
export type Interpreted =
  | { kind: 'post'; extracted: PostPage; incoming: Incoming; probed?: PathKey[] }
  | Extract<PageOutcome, { kind: 'failed' | 'not-post' | 'alias' | 'skipped' }>;

/**
 * Extract → convert for a page body in hand (a fresh fetch, or a stored page when reprocessing),
 * and what the page is. `aliasOf`: the alias path that led here, which the post gains.
 */
export async function interpret(
  run: Run,
  page: DiscoveredPost,
  body: string,
  finalUrl: string,
  aliasOf?: PathKey,
): Promise<Interpreted> {
  let converted;
  try {
    converted = await run.pool.convert({ html: body, url: finalUrl, hints: page.hints });
  } catch (error) {
    return { kind: 'failed', reason: `convert: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { extracted, markdown, compare } = converted;
  if (extracted.kind === 'alias') {
    if (aliasOf !== undefined) return { kind: 'failed', reason: `alias chain: ${page.url} → ${extracted.target}` };
    // Reprocessing has no network: the target is reprocessed from its own stored page.
    if (run.offline) return { kind: 'skipped', reason: `alias of ${extracted.target}` };
    return { kind: 'alias', target: extracted.target };
  }
  if (extracted.kind === 'failed') return { kind: 'failed', reason: extracted.reason };
  if (extracted.kind !== 'post') return notAPost(page, describeNonPost(extracted));
  // The site reveals an alias by redirecting it: a page fetched at one URL and served from another.
  const redirectedFrom = pathKey(finalUrl) === page.key ? [] : [page.url];
  const probe = run.offline ? undefined : await probeAliases(run, page.url, extracted);
  const extra = aliasOf === undefined ? [] : [aliasOf];
  const aliases = revealedAliases(extracted.canonicalUrl, [
    ...(extracted.meta.aliases ?? []),
    ...extra,
    ...redirectedFrom,
    ...(probe?.found ?? []),
  ]);
  const incoming = { ...toIncoming(extracted, markdown ?? '', aliases), compare };
  return { kind: 'post', extracted, incoming, ...(probe && { probed: probe.asked }) };
}

function toIncoming(extracted: PostPage, markdown: string, aliases: PathKey[]): Incoming {
  const meta = { ...extracted.meta, aliases: aliases.length > 0 ? aliases : undefined };
  const post = toPostWith({ ...extracted, meta }, markdown);
  // A guess never touches an archived value (see the metadata-sources table's `trust` column).
  const weakFields = Object.entries(extracted.sources)
    .filter(([field, source]) => source !== undefined && isGuess(field, source))
    .map(([field]) => field);
  return { post, canonicalUrl: extracted.canonicalUrl, aliases, day: dayOf(meta.date), title: meta.title, weakFields };
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

/**
 * A page that is no post. The listing and the feed name only posts: such a page there is a failure
 * (the site changed under us). A sitemap URL is simply not a post: skipped, and remembered.
 */
function notAPost(page: DiscoveredPost, reason: string): Interpreted {
  const namedAsPost = !page.vanished && (page.named === undefined || page.named.some((source) => source !== 'sitemap'));
  if (namedAsPost) return { kind: 'failed', reason };
  return { kind: 'not-post', reason, ...(page.vanished && { vanished: true as const }) };
}
