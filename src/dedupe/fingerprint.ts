import { createHash } from 'node:crypto';
import { normalizeForCompare } from './normalize.js';

/** Thresholds of the content checks, with the reason for each value. */
export const FINGERPRINT = {
  /** Word n-grams: long enough that a shared attendee list or agenda heading makes few shared shingles. */
  shingleWords: 5,
  /** MinHash slots: the estimate's standard error is about 0.03 near the threshold. */
  signatureSize: 128,
  /** Estimated Jaccard similarity from which two bodies are one post in two formats. */
  nearDuplicateThreshold: 0.85,
  /** Below this many words a body is too short to identify a post by content alone ("Meeting cancelled."). */
  minWords: 50,
} as const;

/** What dedupe remembers of every body: its normalized hash and length. */
export interface Fingerprint {
  /** sha256 of {@link normalizeForCompare} of the body. */
  contentHash: string;
  /** Words in the normalized body. */
  words: number;
}

// murmur3's finalizer: a cheap bijective 32-bit mix, used to derive one hash function per slot.
function fmix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const SLOT_SEEDS = Uint32Array.from({ length: FINGERPRINT.signatureSize }, (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b9)));

/**
 * Lower-case words of a normalized body: Markdown punctuation, quotes and link
 * brackets drop out, and so do URLs (an old converter lost many; they say little about which post it is).
 */
export function wordsOf(normalized: string): string[] {
  const text = normalized.toLowerCase().replace(/\b(?:https?|ftp|mailto):[^\s)\]>]+|\bwww\.[^\s)\]>]+/g, ' ');
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** The distinct word shingles (n-grams) of a word list; one shingle when it is shorter than n. */
export function shingles(words: readonly string[], size: number = FINGERPRINT.shingleWords): Set<string> {
  const result = new Set<string>();
  if (words.length <= size) {
    if (words.length > 0) result.add(words.join(' '));
    return result;
  }
  for (let i = 0; i + size <= words.length; i += 1) result.add(words.slice(i, i + size).join(' '));
  return result;
}

/** MinHash signature of a shingle set: slot i is the least i-th hash over all shingles. */
export function minHash(set: ReadonlySet<string>): Uint32Array {
  const signature = new Uint32Array(FINGERPRINT.signatureSize).fill(0xffffffff);
  for (const shingle of set) {
    const h = fnv1a(shingle);
    for (let i = 0; i < signature.length; i += 1) {
      const slot = fmix32(h ^ SLOT_SEEDS[i]!);
      if (slot < signature[i]!) signature[i] = slot;
    }
  }
  return signature;
}

/** Estimated Jaccard similarity of the two shingle sets behind two signatures (share of equal slots). */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] === b[i]) equal += 1;
  return equal / a.length;
}

/** Fingerprints a Markdown body. Pure; cost is linear in the body's length. */
export function fingerprint(body: string): Fingerprint {
  const normalized = normalizeForCompare(body);
  return { contentHash: createHash('sha256').update(normalized).digest('hex'), words: wordsOf(normalized).length };
}

/**
 * The near-duplicate signature of a body: MinHash of its word shingles, or
 * undefined under `minWords` (too little text to tell posts apart). About twice
 * the cost of {@link fingerprint}, so the index computes it only for posts a page is compared with.
 */
export function signatureOf(body: string): Uint32Array | undefined {
  const words = wordsOf(normalizeForCompare(body));
  return words.length >= FINGERPRINT.minWords ? minHash(shingles(words)) : undefined;
}
