// The archive post of an extracted page, given its body's Markdown: no converter is loaded here
// (the sync's main thread builds posts from Markdown converted on a worker).
import { orderFrontMatter, type FrontMatter, type Post } from '../archive/post.js';
import type { ExtractedPost } from '../extract/extract.js';

/**
 * Builds the archive `Post` of an extracted post page: front matter in archive order (only fields
 * with values, `type: post`) and the body as `\n` + Markdown.
 */
export function toPostWith(page: ExtractedPost, markdown: string): Post {
  const { meta } = page;
  const frontMatter: FrontMatter = orderFrontMatter({
    aliases: nonEmpty(meta.aliases),
    author: meta.author,
    date: meta.date,
    description: meta.description,
    tags: nonEmpty(meta.tags),
    title: meta.title,
    type: 'post',
  });
  return { frontMatter, body: `\n${markdown}` };
}

const nonEmpty = (list: string[] | undefined): string[] | undefined =>
  list && list.length > 0 ? [...list] : undefined;
