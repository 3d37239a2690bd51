// A post of the archive as content comparison sees it: bucketed by day and title, its fingerprint
// and signature computed on first comparison only (see DedupeIndex in match.ts).
import { titleKeyOf, type ArchiveEntry } from '../archive/load.js';
import { pull, push } from '../archive/multimap.js';
import { fingerprint, signatureOf, wordsOf, type Fingerprint } from './fingerprint.js';
import { normalizeForCompare } from './normalize.js';

export interface Fingerprinted {
  entry: ArchiveEntry;
  /** Length of the raw body: a free first filter before any normalization. */
  length?: number;
  /** The body as compared and its words, kept only until the fingerprint and signature exist. */
  normalized?: string;
  words?: string[];
  /** Computed on first comparison: most archive posts are never compared in a run. */
  fingerprint?: Fingerprint;
  /** Near-duplicate signature, computed on first comparison (null: body too short). */
  signature?: Uint32Array | null;
}

export interface Buckets {
  byDay: Map<string, Fingerprinted[]>;
  byTitle: Map<string, Fingerprinted[]>;
  byPath: Map<string, Fingerprinted>;
}

export function pullBuckets(buckets: Buckets, path: string): void {
  const previous = buckets.byPath.get(path);
  if (!previous) return;
  buckets.byPath.delete(path);
  pull(buckets.byDay, previous.entry.day, previous);
  pull(buckets.byTitle, titleKeyOf(previous.entry), previous);
}

export function addBuckets(buckets: Buckets, entry: ArchiveEntry): Fingerprinted {
  pullBuckets(buckets, entry.path);
  const item: Fingerprinted = { entry };
  buckets.byPath.set(entry.path, item);
  push(buckets.byDay, entry.day, item);
  push(buckets.byTitle, titleKeyOf(entry), item);
  return item;
}

function lengthOf(item: Fingerprinted): number {
  return (item.length ??= item.entry.size ?? item.entry.post.body.length);
}

/**
 * Bodies whose raw lengths differ by more than this factor are not compared: formatting
 * (bullets, quotes, link forms, wrapping) changes a body's length far less.
 */
const MAX_LENGTH_RATIO = 1.6;

export function lengthsAlike(a: Fingerprinted, b: Fingerprinted): boolean {
  const [x, y] = [lengthOf(a), lengthOf(b)];
  return Math.max(x, y) <= MAX_LENGTH_RATIO * Math.min(x, y) + 200;
}

function normalizedOf(item: Fingerprinted): string {
  return (item.normalized ??= normalizeForCompare(item.entry.post.body));
}

function wordsOfItem(item: Fingerprinted): string[] {
  return (item.words ??= wordsOf(normalizedOf(item)));
}

export function fingerprintOf(item: Fingerprinted): Fingerprint {
  return (item.fingerprint ??= fingerprint(normalizedOf(item), wordsOfItem(item)));
}

export function signatureOfItem(item: Fingerprinted): Uint32Array | undefined {
  if (item.signature === undefined) {
    item.signature = signatureOf(wordsOfItem(item)) ?? null;
    fingerprintOf(item);
    // The text was only needed for the fingerprint and the signature: keep the index small.
    item.normalized = undefined;
    item.words = undefined;
  }
  return item.signature ?? undefined;
}
