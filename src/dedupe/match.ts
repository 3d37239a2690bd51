import { addToIndex, dateTitleKey, urlPathKey, type ArchiveEntry, type ArchiveIndex } from '../archive/load.js';
import type { Post } from '../archive/post.js';
import { normalizeTitle } from '../archive/slug.js';
import { FINGERPRINT, fingerprint, signatureOf, similarity, type Fingerprint } from './fingerprint.js';

/** A converted page, ready to be matched against the archive. */
export interface Incoming {
  post: Post;
  canonicalUrl: string;
  /** Other URL paths the page was reached at (alias pages, slash variants). */
  aliases: string[];
  /** `YYYY-MM-DD` of the post's date, when known. */
  day?: string;
  title: string;
  /** Front matter fields that came from a weak fallback source (e.g. date from the URL's day): never overwrite an archive value with them. */
  weakFields?: string[];
}

interface Fingerprinted {
  entry: ArchiveEntry;
  fingerprint: Fingerprint;
  /** Near-duplicate signature, computed on first comparison (null: body too short). */
  signature?: Uint32Array | null;
}

/**
 * The archive index plus content lookups: normalized-content hash → posts and
 * day → posts with near-duplicate signatures. Wraps (does not copy) the
 * {@link ArchiveIndex}: {@link addToDedupeIndex} updates both.
 */
export interface DedupeIndex {
  archive: ArchiveIndex;
  byContentHash: Map<string, Fingerprinted[]>;
  byDay: Map<string, Fingerprinted[]>;
  byPath: Map<string, Fingerprinted>;
}

/** Why a page was found to be an archive post. */
export type MatchReason = 'url' | 'date-title' | 'content' | 'near-duplicate';

/** Builds the dedupe lookups over a loaded archive: one fingerprint per post, once. */
export function buildDedupeIndex(index: ArchiveIndex): DedupeIndex {
  const dindex: DedupeIndex = { archive: index, byContentHash: new Map(), byDay: new Map(), byPath: new Map() };
  for (const entry of index.entries) addFingerprint(dindex, entry);
  return dindex;
}

/**
 * Adds a post the sync just wrote (new or updated) so a later page of the same
 * crawl finds it; an entry with the same path is replaced.
 */
export function addToDedupeIndex(dindex: DedupeIndex, entry: ArchiveEntry): void {
  addToIndex(dindex.archive, entry);
  addFingerprint(dindex, entry);
}

function addFingerprint(dindex: DedupeIndex, entry: ArchiveEntry): void {
  const previous = dindex.byPath.get(entry.path);
  if (previous) {
    pull(dindex.byContentHash, previous.fingerprint.contentHash, previous);
    pull(dindex.byDay, previous.entry.day, previous);
  }
  const item = { entry, fingerprint: fingerprint(entry.post.body) };
  dindex.byPath.set(entry.path, item);
  push(dindex.byContentHash, item.fingerprint.contentHash, item);
  push(dindex.byDay, entry.day, item);
}

/** The incoming page with its fingerprint and signature computed at most once. */
interface Probe {
  incoming: Incoming;
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
  { reason: 'near-duplicate', find: byNearDuplicate, why: 'the same post in another format; the date guard keeps recurring minutes apart' },
];

/** Finds the archive post that is the same post as the page, and why; undefined for a new post. */
export function findSame(dindex: DedupeIndex, incoming: Incoming): { entry: ArchiveEntry; reason: MatchReason } | undefined {
  let print: Fingerprint | undefined;
  let signature: Uint32Array | null | undefined;
  const probe: Probe = {
    incoming,
    fingerprint: () => (print ??= fingerprint(incoming.post.body)),
    signature: () => {
      if (signature === undefined) signature = signatureOf(incoming.post.body) ?? null;
      return signature ?? undefined;
    },
  };
  for (const matcher of MATCHERS) {
    const entry = matcher.find(dindex, probe);
    if (entry) return { entry, reason: matcher.reason };
  }
  return undefined;
}

/** Every URL path the page answers to, as lookup keys. */
export function incomingPathKeys(incoming: Incoming): string[] {
  const fromPost = incoming.post.frontMatter.aliases;
  const aliases = Array.isArray(fromPost) ? fromPost.filter((a): a is string => typeof a === 'string') : [];
  const keys = [incoming.canonicalUrl, ...incoming.aliases, ...aliases].filter((u) => u.trim() !== '').map(urlPathKey);
  // The site root is no post's path: a page without a known URL must not match on it.
  return [...new Set(keys)].filter((key) => key !== '/');
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
  const print = probe.fingerprint();
  if (print.words < FINGERPRINT.minWords) return undefined;
  // Identical text alone is not enough: a recurring post (a cancelled meeting's notice, a template) repeats
  // word for word. It must also be near in date or carry the same title.
  const { day, title } = probe.incoming;
  const near = day ? new Set([shiftDay(day, -1), day, shiftDay(day, 1)]) : new Set<string>();
  const titleKey = normalizeTitle(title);
  return dindex.byContentHash.get(print.contentHash)?.find((item) => near.has(item.entry.day) || normalizeTitle(item.entry.title) === titleKey)?.entry;
}

function byNearDuplicate(dindex: DedupeIndex, probe: Probe): ArchiveEntry | undefined {
  const { day } = probe.incoming;
  const signature = day ? probe.signature() : undefined;
  if (!day || !signature) return undefined;
  let best: { entry: ArchiveEntry; score: number } | undefined;
  for (const candidateDay of new Set([shiftDay(day, -1), day, shiftDay(day, 1)])) {
    for (const item of dindex.byDay.get(candidateDay) ?? []) {
      item.signature ??= signatureOf(item.entry.post.body) ?? null;
      if (!item.signature) continue;
      const score = similarity(signature, item.signature);
      if (score >= FINGERPRINT.nearDuplicateThreshold && (!best || score > best.score)) best = { entry: item.entry, score };
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

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function pull<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)?.filter((v) => v !== value);
  if (list && list.length > 0) map.set(key, list);
  else map.delete(key);
}
