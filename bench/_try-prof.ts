import { extractPage } from '../src/extract/extract.js';
import { toPost } from '../src/convert/convert.js';
import { TEXT_ESCAPES } from '../src/convert/escape.js';
import { renderPostPage } from '../fixtures/site/render.js';
import { syntheticPosts } from '../fixtures/site/synthetic.js';
const posts = syntheticPosts(300);
const pages = posts.map((p, i) => ({ html: renderPostPage(p, 'http://127.0.0.1:8080', posts.slice(i + 1, i + 6)), url: `http://127.0.0.1:8080/x/${p.slug}/` }));
const run = (label: string) => { for (let r = 0; r < 2; r++) { const t = performance.now(); for (const p of pages) { const x = extractPage(p.html, p.url); if (x.kind === 'post') toPost(x); } console.log(label, (performance.now() - t) / pages.length); } };
run('as is');
if (process.argv[2] === 'fix') {
  const tilde = TEXT_ESCAPES.find((e) => e.why.includes('tilde'))!;
  (tilde as { pattern: RegExp }).pattern = /~(?=[^]*~)|~(?<=~[^]*~)/g;
  run('tilde fixed');
}
