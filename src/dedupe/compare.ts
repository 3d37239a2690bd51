// A body's comparison data, on its own: the convert worker computes it without loading the rest of
// dedupe (the archive index, YAML, diffs).
import { fingerprint, signatureOf, wordsOf, type Fingerprint } from './fingerprint.js';
import { normalizeForCompare } from './normalize.js';

/** What content comparison needs of a body; plain data, so a worker thread can compute it. */
export interface CompareData {
  fingerprint: Fingerprint;
  /** Null when the body is too short for a signature. */
  signature: Uint32Array | null;
}

/** Computes a body's comparison data: one normalization, one word split. */
export function compareData(body: string): CompareData {
  const normalized = normalizeForCompare(body);
  const words = wordsOf(normalized);
  return { fingerprint: fingerprint(normalized, words), signature: signatureOf(words) ?? null };
}
