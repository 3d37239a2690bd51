import { createTwoFilesPatch, formatPatch } from 'diff';
import type { Post } from '../archive/post.js';
import type { ChangeKind, FieldChange, PostChange } from './report.js';

/** Front matter fields whose values differ between two posts, in the new post's key order. */
export function changedFields(before: Post | undefined, after: Post): FieldChange[] {
  const old = before?.frontMatter ?? {};
  const keys = [...new Set([...Object.keys(after.frontMatter), ...Object.keys(old)])];
  return keys
    .filter((key) => JSON.stringify(old[key]) !== JSON.stringify(after.frontMatter[key]))
    .map((field) => ({ field, old: old[field], new: after.frontMatter[field] }));
}

/** Unified diff of two bodies, labelled with the archive path. Empty when equal. */
export function bodyPatch(path: string, before: string, after: string, from = path): string {
  if (before === after) return '';
  return linePatch(`a/${from}`, `b/${path}`, before, after);
}

/** Line edits past which a patch shows the whole body replaced instead of searching for the fewest edits. */
export const MAX_PATCH_EDITS = 2000;

/**
 * A unified diff with 3 lines of context. Myers' diff costs the product of length and edit count: a
 * post of 10,000 changed lines took 37 s. Past {@link MAX_PATCH_EDITS} the patch is one hunk that
 * removes every old line and adds every new one, which is what the diff of a wholly changed body is.
 */
export function linePatch(oldName: string, newName: string, before: string, after: string): string {
  return (
    createTwoFilesPatch(oldName, newName, before, after, undefined, undefined, {
      context: 3,
      maxEditLength: MAX_PATCH_EDITS,
    }) ?? wholeReplacement(oldName, newName, before, after)
  );
}

export function wholeReplacement(oldName: string, newName: string, before: string, after: string): string {
  const [old, next] = [patchLines(before, '-'), patchLines(after, '+')];
  const count = (lines: string[]) => lines.filter((line) => !line.startsWith('\\')).length;
  // formatPatch writes an empty side as start - 1, as jsdiff numbers it: 1 here prints "-0,0" like a diff does.
  const hunk = { oldStart: 1, oldLines: count(old), newStart: 1, newLines: count(next), lines: [...old, ...next] };
  return formatPatch({
    oldFileName: oldName,
    newFileName: newName,
    oldHeader: undefined,
    newHeader: undefined,
    hunks: [hunk],
  });
}

/** A text's lines marked with `sign`, and the marker of a missing final newline, as unified diffs write them. */
function patchLines(text: string, sign: string): string[] {
  if (text === '') return [];
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n').map((line) => sign + line);
  return text.endsWith('\n') ? lines : [...lines, '\\ No newline at end of file'];
}

/** Describes what writing `after` over `before` (or over nothing) changes. Pure. */
export function describeChange(
  path: string,
  before: Post | undefined,
  after: Post,
  url?: string,
  from?: string,
): PostChange {
  const fields = changedFields(before, after);
  // A new file's diff would be the whole file: the file itself says it better, and reports stay small.
  const patch = before ? bodyPatch(path, before.body, after.body) : '';
  const title = typeof after.frontMatter.title === 'string' ? after.frontMatter.title : path;
  if (before && from !== undefined && from !== path) return { kind: 'renamed', path, from, title, url, fields, patch };
  return { kind: kindOf(before, fields, patch), path, title, url, fields, patch };
}

function kindOf(before: Post | undefined, fields: FieldChange[], patch: string): ChangeKind {
  if (!before) return 'added';
  if (patch !== '') return 'updated';
  if (fields.length > 0 && fields.every((f) => f.field === 'aliases')) return 'alias-added';
  return 'metadata-only';
}
