import type { ArchiveIndex, Malformed } from './load.js';
import { fitsName, postPath } from './slug.js';
import { normalizeForCompare } from '../dedupe/normalize.js';

/** A problem `cabsync verify` reports. */
export type Problem =
  | { kind: 'malformed'; path: string; reason: string }
  | { kind: 'duplicate'; paths: string[]; reason: string }
  | { kind: 'misnamed'; path: string; expected: string }
  /** A mirrored file that is missing or changed on disk, unknown to the manifest, or linked by no post (src/attachments/verify.ts). */
  | { kind: 'attachment'; path: string; reason: string };

/**
 * Checks a loaded archive: malformed files, two files that are the same post
 * (a shared URL path or the same day and title), and files whose name does not
 * follow their date and title. Pure: reads only the index.
 */
export function verifyArchive(index: ArchiveIndex): Problem[] {
  const problems: Problem[] = index.malformed.map((m: Malformed) => ({ kind: 'malformed' as const, ...m }));
  const seen = new Set<string>();
  const groups: [Map<string, { path: string }[]>, string][] = [
    [index.byUrlPath, 'same URL path'],
    [index.byDateTitle, 'same date and title'],
  ];
  for (const [map, what] of groups) {
    for (const [key, entries] of map) {
      if (entries.length < 2) continue;
      const paths = entries.map((e) => e.path).sort();
      const id = paths.join('\0');
      if (seen.has(id)) continue;
      seen.add(id);
      problems.push({ kind: 'duplicate', paths, reason: `${what} (${key})` });
    }
  }
  for (const paths of sameBodies(index)) {
    if (!seen.has(paths.join('\0'))) problems.push({ kind: 'duplicate', paths, reason: 'same day, author, tags and body' });
  }
  for (const entry of index.entries) {
    if (!fitsName(entry.path, entry.day, entry.title)) problems.push({ kind: 'misnamed', path: entry.path, expected: postPath(entry.day, entry.title) });
  }
  return problems;
}

/**
 * Files that are one post under two titles (a retitle archived twice): the same day, author and tags,
 * and the same non-empty body after normalization. A short body alone ("This ballot was withdrawn.")
 * is shared by many posts; with the day, the author and the tags it names one.
 */
function sameBodies(index: ArchiveIndex): string[][] {
  const groups = new Map<string, string[]>();
  for (const entry of index.entries) {
    const body = normalizeForCompare(entry.post.body);
    if (body.trim() === '') continue;
    const { author, tags } = entry.post.frontMatter;
    const tagList = Array.isArray(tags) ? tags.map(String).sort() : [];
    const key = JSON.stringify([entry.day, author ?? null, tagList, body]);
    groups.set(key, [...(groups.get(key) ?? []), entry.path]);
  }
  return [...groups.values()].filter((paths) => paths.length > 1).map((paths) => paths.sort());
}

/** One line per problem, for people. */
export function formatProblem(problem: Problem): string {
  switch (problem.kind) {
    case 'malformed':
      return `malformed  ${problem.path}: ${problem.reason}`;
    case 'duplicate':
      return `duplicate  ${problem.paths.join(' = ')}: ${problem.reason}`;
    case 'misnamed':
      return `misnamed   ${problem.path}: expected ${problem.expected}`;
    case 'attachment':
      return `attachment ${problem.path}: ${problem.reason}`;
  }
}
