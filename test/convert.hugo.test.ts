// The converter's invariant checked with the real Hugo, not the oracle: a sample of the property
// test's random documents (test/helpers/property-documents.ts), each rendered to a body H (by the
// oracle, as the property test does: it is what a page had), put in a post page, extracted and
// converted to M; all the M's are then built by Hugo, configured as the site (fixtures/hugo/hugo.toml
// [markup]), in one build, and each must give back H. The oracle follows goldmark in most but not
// all linkify corners (docs/converter.md); this is what tells the converter's errors from its own.
// CABSYNC_HUGO_RUNS raises the count locally (CI: 1,000), CABSYNC_HUGO_SEED picks the seed (`random`),
// CABSYNC_HUGO_REPORT=file.json writes every document that differs there.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyMarkdown } from '../src/convert/convert.js';
import { extractParsedPage, type ExtractedPost } from '../src/extract/extract.js';
import { hugoStatus, IN_CI } from './helpers/hugo-history.js';
import { hugoSkip } from './helpers/hugo-skips.js';
import { HUGO_FOUND } from './helpers/property-cases.js';
import { document } from './helpers/property-documents.js';
import { skipReason } from './helpers/property-skips.js';
import { postPage } from './helpers/post-page.js';
import { normalizeHtml, render } from './helpers/render.js';
import { tempDir } from './helpers/tmp.js';

const RUNS = Number(process.env.CABSYNC_HUGO_RUNS ?? 1_000);
const SEED = process.env.CABSYNC_HUGO_SEED === 'random' ? Date.now() : Number(process.env.CABSYNC_HUGO_SEED ?? 21);
const URL_ = 'https://cabforum.org/2024/01/02/a-post/';
const HUGO = hugoStatus();
const MARKUP = /^\[markup\][\s\S]*?(?=^\[menu\])/m.exec(
  readFileSync(new URL('../fixtures/hugo/hugo.toml', import.meta.url), 'utf8'),
)![0];

// Code blocks as goldmark writes them (`<pre><code class="language-go">`), not as Hugo's highlighter
// does: the oracle writes them so, and highlighting is no part of reading the Markdown.
const NO_HIGHLIGHT = '[markup.highlight]\ncodeFences = false\n';

interface Archived {
  source: string;
  /** The body the page had, normalized as the archive is compared. */
  body: string;
  markdown: string;
}

/** A random document's body and archived Markdown, as the property test makes them. */
function archive(source: string): Archived {
  const { page, body } = extractParsedPage(postPage(render(`${source}\n`)), URL_);
  const extracted = page as ExtractedPost;
  return {
    source,
    body: normalizeHtml(extracted.contentHtml, { baseUrl: URL_, asArchived: true }),
    markdown: bodyMarkdown(extracted, body),
  };
}

/** Each Markdown built by Hugo in one site: the HTML of each, in order. */
async function hugoBuild(markdowns: readonly string[]): Promise<string[]> {
  const site = await tempDir('cabsync-hugo-sample-');
  await mkdir(join(site, 'content'), { recursive: true });
  await mkdir(join(site, 'layouts', '_default'), { recursive: true });
  await writeFile(
    join(site, 'hugo.toml'),
    `baseURL = "https://cabforum.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]\n${MARKUP}${NO_HIGHLIGHT}`,
  );
  await writeFile(join(site, 'layouts', '_default', 'single.html'), '{{ .Content }}');
  await Promise.all(
    markdowns.map((markdown, i) => writeFile(join(site, 'content', `d${i}.md`), `---\ntitle: d${i}\n---\n${markdown}`)),
  );
  const built = spawnSync('hugo', ['--quiet', '--source', site, '--destination', join(site, 'public')], {
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`hugo failed: ${built.stderr}`);
  // Hugo writes no file for a page that renders to nothing (an empty body).
  return markdowns.map((_, i) => {
    const file = join(site, 'public', `d${i}`, 'index.html');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  });
}

describe.skipIf(!HUGO.ok && !IN_CI)('random documents render back in Hugo', () => {
  it(`${RUNS} documents (seed ${SEED}): Hugo builds each archived body back to the body it was read from`, async () => {
    if (!HUGO.ok) throw new Error(`${HUGO.why}. CI is set: tests that need Hugo fail instead of skipping.`);
    const sources = fc.sample(document, { numRuns: RUNS, seed: SEED }).filter((s) => skipReason(s) === undefined);
    const found = HUGO_FOUND.map(archive);
    const archived = [...found, ...sources.map(archive).filter((a) => hugoSkip(a.body) === undefined)];
    const built = await hugoBuild(archived.map((a) => a.markdown));
    const differ = archived.map((a, i) => ({ ...a, hugo: normalizeHtml(built[i]!) })).filter((a) => a.hugo !== a.body);
    if (process.env.CABSYNC_HUGO_REPORT)
      writeFileSync(process.env.CABSYNC_HUGO_REPORT, JSON.stringify(differ, null, 1));
    // Most documents are kept: a sample that skips nearly all would check nothing.
    expect(sources.length).toBeGreaterThan(RUNS / 2);
    expect(differ.slice(0, 5)).toEqual([]);
    expect(differ.length).toBe(0);
  }, 120_000);
});

// What the Hugo sample skips for goldmark is skipped narrowly: the named case, not its neighbours.
describe('Hugo skips are narrow', () => {
  const skipped = (source: string): boolean => hugoSkip(archive(source).body) !== undefined;
  it('skips a one-item list of an empty item then a paragraph (README), not the empty items it can write', () => {
    for (const source of ['- 2.\n\n  x', '- - *\n\nx', '1. - 2.\n\n   - foo\n\nx']) expect(skipped(source)).toBe(true);
    for (const source of [
      '- -\n\nx',
      '- x\n\n  -\n\n  y',
      '- 2.\n\n  x\n- y',
      '- a [ ] b',
      '- \n\n- foo\n\nx',
      '- - ***\n\nx',
    ])
      expect(skipped(source)).toBe(false);
  });
});
