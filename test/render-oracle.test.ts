// The oracle's renderer (test/helpers/render.ts) against real Hugo, configured as the fixture site
// (fixtures/hugo/hugo.toml [markup]): the snippets where a converter can go wrong render the same.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hugoStatus, IN_CI } from './helpers/hugo-history.js';
import { normalizeHtml, render } from './helpers/render.js';
import { tempDir } from './helpers/tmp.js';

const HUGO = hugoStatus();
const MARKUP = /^\[markup\][\s\S]*?(?=^\[menu\])/m.exec(
  readFileSync(new URL('../fixtures/hugo/hugo.toml', import.meta.url), 'utf8'),
)![0];

// What each one checks: lists and rules, headings, links and linkify, emphasis, code, tables, escapes.
const SNIPPETS = [
  '- a\n- b\n\n\n- c',
  '- a\n\n* b',
  '- a\n-\n- c',
  '1. a\n\n1) b',
  '---',
  '- a\n  ___\n- b',
  '- ***',
  '* ___',
  '### foo \\###',
  '### foo \\#',
  '### C#',
  '\\![foo](/url)',
  '!<https://x.y>',
  'see https://example.com/a, and www.example.com.',
  'mail foo@bar.example.com now',
  'foo.com bar',
  'https\\://x.example and www\\.x.example and a\\@b.example',
  '\\<https://x y>',
  '(https://x.example/a_b)',
  '_https://x.example/a_',
  '*www.example.com*',
  'https://x.example/a\\* b',
  'x\\*www.example.com',
  '_a.b@example.org foo _x_\n\nx ~~a.b@example.org\n\nx -a.b@example.org and x *.a.b@example.org\n\nx (_a.b@example.org',
  'https://x.example/a;.',
  '*_x_*',
  '__x__',
  '**a**__b__',
  '_a **_b_** c_',
  'a ~b~ c ~~d~~',
  '"quoted" and \'single\' -- dash --- em ... (c)',
  '- ```\n  code\n  ```\n- b',
  '- a\n  > foo\n  2. x\n- b\n  > foo\n  # h\n- c\n  > foo\n  -',
  '`a` `` b` `` `` ` ``',
  '~~~ `x\ncode\n~~~',
  '[a](/u "t&#10;t")',
  '[a](</u v> "t")',
  '| h |\n| --- |\n| a |',
  '| a | b |\n| :-: | --: |\n| 1 \\| 2 | 3 |',
  '&amp; &copy; &#35; \\&#35;',
  '[^1]\n\n[^1]: note',
  '- [x] done\n- [ ] todo',
];

describe.skipIf(!HUGO.ok && !IN_CI)('markdown-it, configured as the site, renders as Hugo', () => {
  it(`${SNIPPETS.length} snippets`, async () => {
    if (!HUGO.ok) throw new Error(`${HUGO.why}. CI is set: tests that need Hugo fail instead of skipping.`);
    const site = await tempDir('cabsync-oracle-');
    await mkdir(join(site, 'content'), { recursive: true });
    await mkdir(join(site, 'layouts', '_default'), { recursive: true });
    await writeFile(
      join(site, 'hugo.toml'),
      `baseURL = "https://cabforum.org/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404", "home", "section"]\n${MARKUP}`,
    );
    await writeFile(join(site, 'layouts', '_default', 'single.html'), '{{ .Content }}');
    await Promise.all(
      SNIPPETS.map((snippet, i) =>
        writeFile(join(site, 'content', `s${i}.md`), `---\ntitle: s${i}\n---\n${snippet}\n`),
      ),
    );
    const built = spawnSync('hugo', ['--quiet', '--source', site, '--destination', join(site, 'public')], {
      encoding: 'utf8',
    });
    expect(built.status, built.stderr).toBe(0);
    const differ = SNIPPETS.filter(
      (snippet, i) =>
        normalizeHtml(readFileSync(join(site, 'public', `s${i}`, 'index.html'), 'utf8')) !==
        normalizeHtml(render(`${snippet}\n`)),
    );
    expect(differ).toEqual([]);
  }, 60_000);
});
