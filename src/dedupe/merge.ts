import { diffArrays } from 'diff';
import { parseArchiveDate } from '../archive/date.js';
import { urlPathsOf } from '../archive/load.js';
import { pathKey, type PathKey } from '../site/index.js';
import { FRONT_MATTER_ORDER, type FrontMatter, type Post } from '../archive/post.js';
import { dayOf } from '../archive/slug.js';
import type { Incoming } from './match.js';
import { lineKeys, normalizeForCompare, normalizeText } from './normalize.js';

/** What merging a page into its archive post gives. */
export type MergeResult =
  /** Same after normalization: write nothing, the file keeps its bytes. */
  | { kind: 'unchanged' }
  /** `retitled`: the title or date changed, so the file's name may no longer fit the post. */
  | { kind: 'updated'; post: Post; retitled: boolean };

interface FieldRule {
  key: string;
  same: (old: unknown, incoming: unknown) => boolean;
  why: string;
}

// The fields a page can supply. A field is replaced only when the page has a value and it is really different.
const FIELD_RULES: FieldRule[] = [
  { key: 'author', same: sameText, why: 'not on the post page: replaced only when the sync found one elsewhere' },
  { key: 'date', same: sameInstant, why: '2022-11-03 17:00:00 and 2022-11-03T17:00:00+00:00 are one instant' },
  { key: 'description', same: sameText, why: 'typography and spacing are not a change' },
  { key: 'tags', same: sameSet, why: 'tag order carries no meaning' },
  { key: 'title', same: sameText, why: 'curly vs straight quotes, dashes and spacing are typography' },
  { key: 'type', same: sameText, why: 'constant for posts' },
];

function sameText(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string'
    ? normalizeText(a) === normalizeText(b)
    : JSON.stringify(a) === JSON.stringify(b);
}

function sameInstant(a: unknown, b: unknown): boolean {
  const [x, y] = [parseArchiveDate(a), parseArchiveDate(b)];
  return x && y ? x.getTime() === y.getTime() : sameText(a, b);
}

function sameSet(a: unknown, b: unknown): boolean {
  const asSet = (v: unknown) => new Set((Array.isArray(v) ? v : [v]).map((item) => normalizeText(String(item))));
  const [x, y] = [asSet(a), asSet(b)];
  return x.size === y.size && [...x].every((item) => y.has(item));
}

/** A value the page cannot be said to supply. */
function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Merges a page into the archive post it is the same as, changing only what
 * changed (see the README's dedupe rules). Pure.
 */
export function mergePost(existing: Post, incoming: Incoming): MergeResult {
  const { frontMatter, changedFields, aliasesAdded } = mergeFrontMatter(existing.frontMatter, incoming);
  const sameBody = normalizeForCompare(existing.body) === normalizeForCompare(incoming.post.body);
  const body = sameBody ? existing.body : mergeBody(existing.body, incoming.post.body);
  if (body === existing.body && changedFields.length === 0 && aliasesAdded.length === 0) return { kind: 'unchanged' };
  const retitled = changedFields.some((field) => field === 'title' || field === 'date');
  return { kind: 'updated', post: { frontMatter, body }, retitled };
}

/** Lines added plus removed beyond which a body is replaced rather than merged line by line. */
export const MAX_MERGE_EDITS = 2000;

/**
 * Line-level merge: lines whose comparison keys match keep their old bytes,
 * changed and added lines take the new text, removed lines go, except runs of
 * blank lines (whitespace). The old body's final-newline state is kept.
 */
export function mergeBody(oldBody: string, newBody: string): string {
  const oldLines = bodyLines(oldBody);
  const newLines = bodyLines(newBody);
  // Myers' diff is quadratic in the edit length: past a bound, the page's body replaces the old one
  // (what a merge of mostly changed lines would give anyway), so one post cannot stall the run.
  const parts = diffArrays(
    lineKeys(oldLines).map((l) => l.key),
    lineKeys(newLines).map((l) => l.key),
    { maxEditLength: MAX_MERGE_EDITS },
  );
  if (parts === undefined) return newBody;
  const out: string[] = [];
  let i = 0;
  let j = 0;
  for (const part of parts) {
    const n = part.value.length;
    if (part.added) {
      out.push(...newLines.slice(j, j + n));
      j += n;
      continue;
    }
    const oldPart = oldLines.slice(i, i + n);
    i += n;
    if (!part.removed) j += n;
    // A removed run of blank lines is only whitespace: keep it.
    if (!part.removed || part.value.every((key) => key === '')) out.push(...oldPart);
  }
  return out.join('\n') + (oldBody.endsWith('\n') ? '\n' : '');
}

function bodyLines(body: string): string[] {
  return (body.endsWith('\n') ? body.slice(0, -1) : body).split('\n');
}

interface FrontMatterMerge {
  frontMatter: FrontMatter;
  changedFields: string[];
  aliasesAdded: PathKey[];
}

/** Old keys, order and values stay; the page's values replace or add only per {@link FIELD_RULES}. */
function mergeFrontMatter(old: FrontMatter, incoming: Incoming): FrontMatterMerge {
  const weak = new Set(incoming.weakFields ?? []);
  const updates: FrontMatter = {};
  const changedFields: FrontMatterMerge['changedFields'] = [];
  for (const { key, same } of FIELD_RULES) {
    const value = incoming.post.frontMatter[key];
    if (isMissing(value)) continue;
    const oldValue = old[key];
    // A weak value (a guess, or a derived summary) never touches an existing file.
    if (weak.has(key) || (!isMissing(oldValue) && same(oldValue, value))) continue;
    updates[key] = value;
    changedFields.push(key);
  }
  // Keys no rule knows: the page can add them, never replace them.
  for (const [key, value] of Object.entries(incoming.post.frontMatter)) {
    if (key === 'aliases' || FIELD_RULES.some((rule) => rule.key === key) || isMissing(value) || !isMissing(old[key]))
      continue;
    updates[key] = value;
    changedFields.push(key);
  }
  const merged = withUpdates(old, updates);
  const aliasesAdded = newAliases(merged, incoming);
  if (aliasesAdded.length > 0) {
    const oldAliases = Array.isArray(old.aliases) ? old.aliases : [];
    return {
      frontMatter: withUpdates(merged, { aliases: [...oldAliases, ...aliasesAdded] }),
      changedFields,
      aliasesAdded,
    };
  }
  return { frontMatter: merged, changedFields, aliasesAdded };
}

/**
 * Alias paths the site revealed for the page (never its own URL) that the post does not claim
 * yet: not among its aliases, nor its permalink after the merge. The permalink before the merge is
 * not claimed after it: when the site retitles or re-dates a post and serves a redirect at the old
 * permalink, that path becomes an alias.
 */
function newAliases(merged: FrontMatter, incoming: Incoming): PathKey[] {
  const claimed = new Set(pathsClaimed(merged));
  return incoming.aliases.filter((key) => !claimed.has(key));
}

/** The paths a post's front matter claims: its aliases and (with a day and a title) its permalink. */
function pathsClaimed(frontMatter: FrontMatter): PathKey[] {
  const day = typeof frontMatter.date === 'string' ? dayOf(frontMatter.date) : undefined;
  const title = typeof frontMatter.title === 'string' ? frontMatter.title : undefined;
  const aliases = Array.isArray(frontMatter.aliases) ? frontMatter.aliases : [];
  // Without a day and a title the post has no permalink: only its aliases, keyed as the index keys them.
  return day && title
    ? urlPathsOf({ post: { frontMatter, body: '' }, day, title })
    : aliases.filter((a): a is string => typeof a === 'string').map(pathKey);
}

/**
 * A copy of `frontMatter` with `updates` applied: existing keys keep their
 * place; a new known key goes after the last existing key that precedes it in
 * {@link FRONT_MATTER_ORDER} (first if none); a new unknown key goes last.
 */
function withUpdates(frontMatter: FrontMatter, updates: FrontMatter): FrontMatter {
  const keys = Object.keys(frontMatter);
  for (const key of Object.keys(updates)) {
    if (keys.includes(key)) continue;
    const rank = rankOf(key);
    if (rank === undefined) {
      keys.push(key);
      continue;
    }
    let at = 0;
    keys.forEach((existing, index) => {
      const existingRank = rankOf(existing);
      if (existingRank !== undefined && existingRank < rank) at = index + 1;
    });
    keys.splice(at, 0, key);
  }
  return Object.fromEntries(keys.map((key) => [key, key in updates ? updates[key] : frontMatter[key]]));
}

function rankOf(key: string): number | undefined {
  const rank = (FRONT_MATTER_ORDER as readonly string[]).indexOf(key);
  return rank === -1 ? undefined : rank;
}
