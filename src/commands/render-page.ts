import { serializePost } from '../archive/post.js';
import { toPost } from '../convert/convert.js';
import type { Extracted } from '../extract/extract.js';

/** What `cabsync convert` prints for a page: the archive file of a post, or one line saying what the page is. */
export function renderPage(page: Extracted): { post: boolean; text: string } {
  switch (page.kind) {
    case 'post':
      return { post: true, text: serializePost(toPost(page)) };
    case 'alias':
      return { post: false, text: `alias of ${page.target}\n` };
    case 'listing':
      return { post: false, text: `listing page: ${page.url}\n` };
    case 'other':
      return { post: false, text: `other page: ${page.url}: ${page.reason}\n` };
    case 'failed':
      return { post: false, text: `failed: ${page.url}: ${page.reason}\n` };
  }
}
