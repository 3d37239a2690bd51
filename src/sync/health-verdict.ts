import type { Post } from '../archive/post.js';
import { chromeMisses, pageHealth, shrinkage, type PageRecord } from '../health/health.js';
import type { Hold } from './apply.js';
import type { PageHealth } from './outcome.js';

/** The health of a post page against its archived post, and whether that holds the page back. */
export interface HealthVerdict {
  health: PageHealth;
  hold?: Hold;
}

/**
 * A page that would shrink or empty an archived post is held back unless --accept-shrink; under
 * --strict-health a page with any other issue is refused too.
 */
export function healthVerdict(
  record: PageRecord,
  body: string,
  archived: Post | undefined,
  options: { acceptShrink: boolean; strictHealth: boolean },
): HealthVerdict {
  const issues = pageHealth({ ...record, markdown: body, archivedMarkdown: archived?.body });
  const health = { ...record, issues };
  const shrank = options.acceptShrink ? [] : shrinkage(issues);
  if (shrank.length > 0) {
    const messages = shrank.map((issue) => issue.message);
    return { health, hold: { reason: `held back: ${messages.join('; ')}`, shrank: messages } };
  }
  if (!options.strictHealth) return { health };
  const reasons = issues.map((issue) => issue.message);
  const missed = chromeMisses(record);
  if (missed.length > 0) reasons.push(`chrome rules matched nothing: ${missed.join(', ')}`);
  return reasons.length > 0
    ? { health, hold: { reason: `held back by --strict-health: ${reasons.join('; ')}` } }
    : { health };
}
