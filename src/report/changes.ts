import { createTwoFilesPatch } from 'diff';
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
export function bodyPatch(path: string, before: string, after: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, before, after, undefined, undefined, { context: 3 });
}

/** Describes what writing `after` over `before` (or over nothing) changes. Pure. */
export function describeChange(path: string, before: Post | undefined, after: Post, url?: string, from?: string): PostChange {
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
