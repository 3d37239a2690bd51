import type { ArchiveIndex, Malformed } from './load.js';
import { fitsName, postPath } from './slug.js';

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
  for (const entry of index.entries) {
    if (!fitsName(entry.path, entry.day, entry.title)) problems.push({ kind: 'misnamed', path: entry.path, expected: postPath(entry.day, entry.title) });
  }
  return problems;
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
