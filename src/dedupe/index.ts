// The dedupe stage: is a page an archive post already, and what changes if so.
export {
  addToDedupeIndex,
  buildDedupeIndex,
  findSame,
  removeFromDedupeIndex,
  type DedupeIndex,
  type Incoming,
  type MatchReason,
} from './match.js';
export { compareData, type CompareData } from './compare.js';
export { mergePost, type MergeResult } from './merge.js';
export { normalizeForCompare } from './normalize.js';
export { nextFreePath } from './path.js';
