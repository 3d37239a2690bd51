// Writes an archive (files + crawl state) for synthetic posts directly, as a finished sync would
// leave it, so the archive-size figures do not first need a 10,000-page crawl. Converting 10,000
// pages with the real converter takes minutes, so bodies are converted by a few regexes that know
// the synthetic generator's small HTML vocabulary; `checkArchiveMarkdown` compares them with the real one.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { orderFrontMatter, serializePost, type Post } from '../src/archive/post.js';
import { postPath as archivePath } from '../src/archive/slug.js';
import { htmlToMarkdown } from '../src/convert/convert.js';
import type { SitePost } from '../fixtures/site/types.js';
import { postPath } from '../fixtures/site/util.js';

const ENTITIES: Record<string, string> = {
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  ndash: '–',
  mdash: '—',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
};

/** Markdown of a synthetic body (h2, h3, p, a, ul/li, table; no escapes needed). */
export function syntheticMarkdown(bodyHtml: string, siteUrl: string): string {
  const inline = (html: string): string =>
    html
      .replace(
        /<a href="([^"]+)">([^<]*)<\/a>/g,
        (_m, href: string, text: string) => `[${text}](${new URL(href, `${siteUrl}/`).href})`,
      )
      .replace(/&(\w+);/g, (m, name: string) => ENTITIES[name] ?? m)
      // A URL in plain text is escaped as the converter does, so the site's linkify leaves it text.
      .replace(/(^|\s)(https?):\/\//g, '$1$2\\://');
  const blocks: string[] = [];
  for (const [, tag, inner] of bodyHtml.matchAll(/<(h2|h3|p|ul|table)\b[^>]*>([^]*?)<\/\1>/g)) {
    if (tag === 'h2' || tag === 'h3') blocks.push(`${tag === 'h2' ? '##' : '###'} ${inline(inner!)}`);
    else if (tag === 'p') blocks.push(inline(inner!));
    else if (tag === 'ul')
      blocks.push([...inner!.matchAll(/<li>([^]*?)<\/li>/g)].map((li) => `- ${inline(li[1]!)}`).join('\n'));
    else blocks.push(pipeTable(inner!));
  }
  return `${blocks.join('\n\n')}\n`;
}

function pipeTable(inner: string): string {
  const rows = [...inner.matchAll(/<tr>([^]*?)<\/tr>/g)].map((tr) =>
    [...tr[1]!.matchAll(/<t[hd]>([^]*?)<\/t[hd]>/g)].map((c) => c[1]!),
  );
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}

/** The archive post for a synthetic post, front matter as the converter writes it. */
export function archivePost(post: SitePost, siteUrl: string, convert = syntheticMarkdown): Post {
  const frontMatter = orderFrontMatter({
    aliases: post.aliases.length > 0 ? [...post.aliases].sort() : undefined,
    author: post.author || undefined,
    date: post.date.slice(0, 19).replace('T', ' '),
    tags: post.tags.length > 0 ? [...post.tags] : undefined,
    title: post.title,
    type: 'post',
  });
  for (const key of Object.keys(frontMatter)) if (frontMatter[key] === undefined) delete frontMatter[key];
  return { frontMatter, body: `\n${convert(post.bodyHtml, siteUrl)}` };
}

/**
 * Writes `posts` into `dir` and a crawl state saying each was fetched now at its sitemap lastmod,
 * so a sync skips them without a request, as after a real sync.
 */
export async function writeArchive(
  dir: string,
  posts: SitePost[],
  siteUrl: string,
): Promise<{ files: number; bytes: number }> {
  const dirs = new Set<string>();
  let bytes = 0;
  const fetchedAt = new Date().toISOString();
  const urls: Record<
    string,
    { fetchedAt: string; lastmod: string; status: number; lastModified: string; hints: { author?: string } }
  > = {};
  const files = posts.map((post) => {
    const path = join(dir, archivePath(post.date.slice(0, 10), post.title));
    dirs.add(dirname(path));
    // The Last-Modified the site sends, as a sync keeps it: revalidation asks "changed since?" as after a real sync.
    const lastModified = new Date(post.lastmod ?? post.date).toUTCString();
    // The listing's author, as a sync keeps it: a run that rereads the listing finds nothing new.
    const hints = post.author ? { author: post.author } : {};
    urls[siteUrl + postPath(post)] = {
      fetchedAt,
      lastmod: post.lastmod ?? post.date,
      status: 200,
      lastModified,
      hints,
    };
    return { path, text: serializePost(archivePost(post, siteUrl)) };
  });
  for (const d of [...dirs, join(dir, '.cabsync')]) await mkdir(d, { recursive: true });
  // A few files at a time: thousands of open handles at once buy nothing.
  for (let i = 0; i < files.length; i += 64) {
    await Promise.all(files.slice(i, i + 64).map((file) => writeFile(file.path, file.text)));
  }
  for (const file of files) bytes += Buffer.byteLength(file.text);
  await writeFile(join(dir, '.cabsync', 'state.json'), `${JSON.stringify({ version: 1, urls }, null, 2)}\n`);
  return { files: files.length, bytes };
}

/** How many of `posts` the regex converter gets byte for byte as the real converter does, and the size ratio. */
export function checkArchiveMarkdown(
  posts: SitePost[],
  siteUrl: string,
): { same: number; total: number; sizeRatio: number } {
  let same = 0;
  let fast = 0;
  let real = 0;
  for (const post of posts) {
    const a = syntheticMarkdown(post.bodyHtml, siteUrl);
    const b = htmlToMarkdown(post.bodyHtml, `${siteUrl}${postPath(post)}`);
    if (a === b) same += 1;
    fast += a.length;
    real += b.length;
  }
  return { same, total: posts.length, sizeRatio: fast / real };
}
