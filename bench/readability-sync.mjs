// The usual alternative to cabsync, as a user would write it: read the sitemap, fetch every page it
// names, Readability (on linkedom) for the article, turndown with GFM for the Markdown, one file per
// page. Plain JavaScript, run by node as it is: `node bench/readability-sync.mjs SITE OUT [CONCURRENCY]`.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import pLimit from 'p-limit';
import TurndownService from 'turndown';

const { gfm } = createRequire(import.meta.url)('@joplin/turndown-plugin-gfm');
const [site, out, concurrency = '4'] = process.argv.slice(2);
if (!site || !out) throw new Error('usage: readability-sync.mjs SITE OUT [CONCURRENCY]');

const sitemap = await (await fetch(new URL('/sitemap.xml', site))).text();
const urls = [...sitemap.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/g)].map((match) => match[1]);
const limit = pLimit(Number(concurrency));
let written = 0;
await mkdir(out, { recursive: true });
await Promise.all(
  urls.map((url) =>
    limit(async () => {
      const response = await fetch(url);
      if (!response.ok || !(response.headers.get('content-type') ?? '').includes('html')) return;
      const { document } = parseHTML(await response.text());
      const article = new Readability(document).parse();
      if (!article?.content) return;
      const service = new TurndownService({
        headingStyle: 'atx',
        hr: '---',
        bulletListMarker: '-',
        codeBlockStyle: 'fenced',
        emDelimiter: '_',
      }).use(gfm);
      const name = new URL(url).pathname.replace(/^\/|\/$/g, '').replace(/[^a-z0-9]+/gi, '-') || 'index';
      await writeFile(join(out, `${name}.md`), `# ${article.title ?? ''}\n\n${service.turndown(article.content)}\n`);
      written += 1;
    }),
  ),
);
process.stdout.write(`${JSON.stringify({ pages: urls.length, written })}\n`);
