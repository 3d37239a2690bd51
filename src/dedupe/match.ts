import { addToIndex, dateTitleKey, removeFromIndex, type ArchiveEntry, type ArchiveIndex } from '../archive/load.js';
import { isSiteRoot, pathKey, type PathKey } from '../site/index.js';
import type { Post } from '../archive/post.js';
import { normalizeTitle } from '../archive/slug.js';
import { FINGERPRINT, similarity, tooDifferentInSize, type Fingerprint } from './fingerprint.js';
import { normalizeForCompare } from './normalize.js';
import type { CompareData } from './compare.js';
import {
  addBuckets,
  fingerprintOf,
  lengthsAlike,
  pullBuckets,
  signatureOfItem,
  type Buckets,
  type Fingerprinted,
} from './buckets.js';

/** A converted page, ready to be matched against the archive. */
export interface Incoming {
  post: Post;
  canonicalUrl: string;
  /**
   * Other paths the page answers to (alias pages, redirects), as path keys made once by
   * `revealedAliases` (src/site): never the page's own permalink, never the site root.
   */
  aliases: PathKey[];
  /** `YYYY-MM-DD` of the post's date, when known. */
  day?: string;
  title: string;
  /** Front matter fields that came from a weak fallback source (e.g. date from the URL's day): never overwrite an archive value with them. */
  weakFields?: string[];
  /** The body's comparison data, when already computed (off the main thread, by {@link compareData}). */
  compare?: CompareData;
}

/**
 * The archive index plus buckets for content comparison: posts by day and by normalized title.
 * Fingerprints are computed lazily, only for the posts a page is compared with, so building the
 * index costs no body processing and a run's fixed cost does not grow with the archive's text.
 * The buckets themselves are made on the first comparison: a run that converts no page never needs them.
 * Wraps (does not copy) the {@link ArchiveIndex}: {@link addToDedupeIndex} updates both.
 */
export interface DedupeIndex {
  archive: ArchiveIndex;
  buckets?: Buckets;
  /**
   * Archive paths of posts the site no longer shows (none of their URLs discovered this run). Set by
   * a sync whose discovery saw the whole site; a page may be one of them under a new URL.
   */
  gone?: Set<string>;
}

/** Why a page was found to be an archive post. */
export type MatchReason = 'url' | 'date-title' | 'content' | 'near-duplicate' | 'gone-upstream';

/** The dedupe lookups over a loaded archive; the buckets wait for the first comparison. */
export function buildDedupeIndex(index: ArchiveIndex): DedupeIndex {
  return { archive: index };
}

/** The buckets, made on first use from the archive's entries: map insertions only, no body is read. */
function bucketsOf(dindex: DedupeIndex): Buckets {
  if (dindex.buckets) return dindex.buckets;
  const buckets: Buckets = { byDay: new Map(), byTitle: new Map(), byPath: new Map() };
  for (const entry of dindex.archive.entries) addBuckets(buckets, entry);
  return (dindex.buckets = buckets);
}

/**
 * Adds a post the sync just wrote (new or updated) so a later page of the same
 * crawl finds it; an entry with the same path is replaced.
 */
export function addToDedupeIndex(dindex: DedupeIndex, entry: ArchiveEntry, compare?: CompareData): void {
  addToIndex(dindex.archive, entry);
  // Buckets not made yet: the first comparison makes them from the archive's entries, this one included.
  if (!dindex.buckets) return;
  const item = addBuckets(dindex.buckets, entry);
  if (compare) Object.assign(item, compare);
}

/** Takes a post out of the index (its file is being renamed: the new entry is added under its new path). */
export function removeFromDedupeIndex(dindex: DedupeIndex, entry: ArchiveEntry): void {
  removeFromIndex(dindex.archive, entry);
  dindex.gone?.delete(entry.path);
  if (dindex.buckets) pullBuckets(dindex.buckets, entry.path);
}

/** The incoming page with its fingerprint and signature computed at most once. */
interface Probe {
  incoming: Incoming;
  self: Fingerprinted;
  fingerprint: () => Fingerprint;
  signature: () => Uint32Array | undefined;
}

interface Matcher {
  reason: MatchReason;
  find: (dindex: DedupeIndex, probe: Probe) => ArchiveEntry | undefined;
  why: string;
}

// Tried in order, strongest evidence first; each is a map lookup or a scan of a ±1-day bucket,
// so the cost per page does not grow with the archive.
const MATCHERS: Matcher[] = [
  { reason: 'url', find: byUrl, why: 'the site says so: the page answers at a path the post claims' },
  { reason: 'date-title', find: byDateTitle, why: 'one post per title per day' },
  { reason: 'content', find: byContent, why: 'identical text after normalization, long enough to identify a post' },
  {
    reason: 'near-duplicate',
    find: byNearDuplicate,
    why: 'the same post in another format; the date guard keeps recurring minutes apart',
  },
  {
    reason: 'gone-upstream',
    find: byGoneUpstream,
    why: 'a post the site stopped showing, back under a new URL (retitled or re-dated): the same body, however short, with its day or title, tags and author',
  },
];

/** Finds the archive post that is the same post as the page, and why; undefined for a new post. */
export function findSame(
  dindex: DedupeIndex,
  incoming: Incoming,
): { entry: ArchiveEntry; reason: MatchReason } | undefined {
  const self: Fingerprinted = {
    entry: { path: '', post: incoming.post, title: incoming.title, day: incoming.day ?? '' },
    ...incoming.compare,
  };
  const probe: Probe = {
    incoming,
    self,
    fingerprint: () => fingerprintOf(self),
    signature: () => signatureOfItem(self),
  };
  for (const matcher of MATCHERS) {
    const entry = matcher.find(dindex, probe);
    if (entry) return { entry, reason: matcher.reason };
  }
  return undefined;
}

/** Every URL path the page answers to, as lookup keys. */
export function incomingPathKeys(incoming: Incoming): PathKey[] {
  const own = pathKey(incoming.canonicalUrl);
  // An empty URL keys as the site root, which is no post's path: a page without a known URL must not match on it.
  return isSiteRoot(own) ? incoming.aliases : [own, ...incoming.aliases];
}

function byUrl(dindex: DedupeIndex, { incoming }: Probe): ArchiveEntry | undefined {
  for (const key of incomingPathKeys(incoming)) {
    const entries = dindex.archive.byUrlPath.get(key);
    if (entries?.[0]) return entries[0];
  }
  return undefined;
}

function byDateTitle(dindex: DedupeIndex, { incoming }: Probe): ArchiveEntry | undefined {
  if (!incoming.day) return undefined;
  return dindex.archive.byDateTitle.get(dateTitleKey(incoming.day, incoming.title))?.[0];
}

function byContent(dindex: DedupeIndex, probe: Probe): ArchiveEntry | undefined {
  // Identical text alone is not enough: a recurring post (a cancelled meeting's notice, a template) repeats
  // word for word. It must also be near in date or carry the same title.
  const { day, title } = probe.incoming;
  const { byDay, byTitle } = bucketsOf(dindex);
  const candidates = [
    ...(day ? daysAround(day).flatMap((d) => byDay.get(d) ?? []) : []),
    ...(byTitle.get(normalizeTitle(title)) ?? []),
  ].filter((item) => lengthsAlike(item, probe.self));
  if (candidates.length === 0) return undefined;
  const print = probe.fingerprint();
  if (print.words < FINGERPRINT.minWords) return undefined;
  return candidates.find((item) => fingerprintOf(item).contentHash === print.contentHash)?.entry;
}

function byGoneUpstream(dindex: DedupeIndex, probe: Probe): ArchiveEntry | undefined {
  if (!dindex.gone || dindex.gone.size === 0) return undefined;
  const { incoming } = probe;
  const body = normalizeForCompare(incoming.post.body);
  const titleKey = normalizeTitle(incoming.title);
  for (const path of dindex.gone) {
    const entry = dindex.archive.byPath.get(path);
    if (!entry) continue;
    // A retitle keeps the day, a date change keeps the title: one of them must hold.
    if (entry.day !== incoming.day && normalizeTitle(entry.title) !== titleKey) continue;
    if (!sameWhenBoth(entry.post.frontMatter.author, incoming.post.frontMatter.author)) continue;
    if (!sameWhenBoth(tagKey(entry.post.frontMatter.tags), tagKey(incoming.post.frontMatter.tags))) continue;
    if (normalizeForCompare(entry.post.body) === body) return entry;
  }
  return undefined;
}

/** Tags as one comparable string (order does not count). */
function tagKey(tags: unknown): string | undefined {
  if (!Array.isArray(tags) || tags.length === 0) return undefined;
  return tags
    .map((tag) => normalizeTitle(String(tag)))
    .sort()
    .join('|');
}

/** A front matter value as text: `5` and `'5'` are one author; a list or map compares by its JSON. */
function scalarText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sameWhenBoth(a: unknown, b: unknown): boolean {
  return a === undefined || b === undefined || a === null || b === null || scalarText(a) === scalarText(b);
}

/** The day before, the day and the day after. */
function daysAround(day: string): string[] {
  return [...new Set([shiftDay(day, -1), day, shiftDay(day, 1)])];
}

function byNearDuplicate(dindex: DedupeIndex, probe: Probe): ArchiveEntry | undefined {
  const { day } = probe.incoming;
  if (!day) return undefined;
  const { byDay } = bucketsOf(dindex);
  let best: { entry: ArchiveEntry; score: number } | undefined;
  for (const candidateDay of daysAround(day)) {
    for (const item of byDay.get(candidateDay) ?? []) {
      if (!lengthsAlike(item, probe.self) || tooDifferentInSize(fingerprintOf(item).words, probe.fingerprint().words))
        continue;
      const other = signatureOfItem(item);
      if (!other) continue;
      const signature = probe.signature();
      if (!signature) return undefined;
      const score = similarity(signature, other);
      if (score >= FINGERPRINT.nearDuplicateThreshold && (!best || score > best.score))
        best = { entry: item.entry, score };
    }
  }
  return best?.entry;
}

/** `YYYY-MM-DD` moved by whole days (UTC). */
export function shiftDay(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
