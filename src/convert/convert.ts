// Convert: a post body to the archive's Markdown (./markdown.ts) and the archive post of a page.
import type { Post } from '../archive/post.js';
import type { ExtractedPost } from '../extract/extract.js';
import { bodyMarkdown } from './markdown.js';
import { toPostWith } from './post.js';

export { bodyMarkdown, htmlToMarkdown, TURNDOWN_OPTIONS } from './markdown.js';

/** {@link toPostWith} converting the body (its HTML) when its Markdown is not given. */
export function toPost(page: ExtractedPost, markdown: string = bodyMarkdown(page)): Post {
  return toPostWith(page, markdown);
}
