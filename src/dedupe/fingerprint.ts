import { createHash } from 'node:crypto';

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
  /** sha256 of the body as normalizeForCompare (normalize.ts) gives it. */
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

// Slot i hashes h to (a_i·h + b_i) mod 2^32 with odd a_i: a cheap family of distinct permutations.
const SLOT_A = Uint32Array.from(
  { length: FINGERPRINT.signatureSize },
  (_, i) => fmix32(Math.imul(i + 1, 0x9e3779b9)) | 1,
);
const SLOT_B = Uint32Array.from({ length: FINGERPRINT.signatureSize }, (_, i) => fmix32(Math.imul(i + 1, 0x85ebca6b)));

/**
 * Lower-case words of a normalized body: Markdown punctuation, quotes and link
 * brackets drop out, and so do URLs (an old converter lost many; they say little about which post it is).
 */
export function wordsOf(normalized: string): string[] {
  const text = normalized.toLowerCase().replace(/\b(?:https?|ftp|mailto):[^\s)\]>]+|\bwww\.[^\s)\]>]+/g, ' ');
  // In ASCII (most bodies, once typography is normalized) letters and digits are [a-z0-9]: the
  // Unicode classes ask several times as much of the regex engine for the same words.
  return text.match(/^[\x00-\x7f]*$/.test(text) ? /[a-z0-9]+/g : /[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * One 32-bit hash per word shingle (n-gram), combined from per-word hashes so no
 * n-gram string is ever built; one hash when there are fewer words than n.
 * Duplicates are kept: MinHash takes minima, so they change nothing.
 */
export function shingleHashes(words: readonly string[], size: number = FINGERPRINT.shingleWords): Uint32Array {
  const wordHashes = words.map(fnv1a);
  if (wordHashes.length <= size) return Uint32Array.of(combine(wordHashes, 0, wordHashes.length));
  const out = new Uint32Array(wordHashes.length - size + 1);
  for (let i = 0; i < out.length; i += 1) out[i] = combine(wordHashes, i, i + size);
  return out;
}

function combine(hashes: readonly number[], from: number, to: number): number {
  let h = 0x9747b28c;
  for (let i = from; i < to; i += 1) h = fmix32(Math.imul(h, 31) ^ hashes[i]!);
  return h;
}

/** MinHash signature of a set of shingle hashes: slot i is the least i-th hash over all shingles. */
export function minHash(hashes: Uint32Array): Uint32Array {
  const signature = new Uint32Array(FINGERPRINT.signatureSize);
  // Slot by slot, its hash function's constants and running minimum in locals: a few times faster than shingle by shingle.
  for (let i = 0; i < signature.length; i += 1) {
    const a = SLOT_A[i]!;
    const b = SLOT_B[i]!;
    let least = 0xffffffff;
    for (let j = 0; j < hashes.length; j += 1) {
      const slot = (Math.imul(hashes[j]!, a) + b) >>> 0;
      if (slot < least) least = slot;
    }
    signature[i] = least;
  }
  return signature;
}

/** Estimated Jaccard similarity of the two shingle sets behind two signatures (share of equal slots). */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let equal = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] === b[i]) equal += 1;
  return equal / a.length;
}

/** Fingerprints a normalized body (normalizeForCompare) given its words. Pure; linear in its length. */
export function fingerprint(normalized: string, words: readonly string[] = wordsOf(normalized)): Fingerprint {
  return { contentHash: createHash('sha256').update(normalized).digest('hex'), words: words.length };
}

/**
 * The near-duplicate signature of a body's words: MinHash of its word shingles, or
 * undefined under `minWords` (too little text to tell posts apart). The costliest
 * check, so the index computes it only for posts a page is really compared with.
 */
export function signatureOf(words: readonly string[]): Uint32Array | undefined {
  return words.length >= FINGERPRINT.minWords ? minHash(shingleHashes(words)) : undefined;
}

/**
 * True when two bodies' word counts are too far apart for them to reach the near-duplicate
 * threshold: Jaccard similarity can be no more than the smaller set over the larger.
 */
export function tooDifferentInSize(a: number, b: number): boolean {
  return Math.min(a, b) < FINGERPRINT.nearDuplicateThreshold * 0.9 * Math.max(a, b);
}
