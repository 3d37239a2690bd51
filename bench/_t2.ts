import { benchPages } from './extract.js';
import { extractPage } from '../src/extract/extract.js';
import { toPost } from '../src/convert/convert.js';
const pages = benchPages(100);
for (let r = 0; r < 3; r++) for (const p of pages) { const x = extractPage(p.html, p.url); if (x.kind === 'post') toPost(x); }
