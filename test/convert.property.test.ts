// Property: a random Markdown document, rendered as the site renders it and put in a post page,
// comes back from extract + convert as Markdown that renders to the same body (test/helpers/render.ts).
// CABSYNC_PROPERTY_RUNS raises the number of cases locally (CI: 10,000), CABSYNC_PROPERTY_SEED picks the seed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyMarkdown, htmlToMarkdown } from '../src/convert/convert.js';
import { extractParsedPage, type ExtractedPost } from '../src/extract/extract.js';
import { normalizeHtml, render } from './helpers/render.js';
import { postPage } from './helpers/post-page.js';
import { FOUND } from './helpers/property-cases.js';

const RUNS = Number(process.env.CABSYNC_PROPERTY_RUNS ?? 10_000);
// A fixed seed by default: CI runs the same 10,000 documents every time. Rare cases outside the
// README's list are still found now and then (about one in 20,000 to 50,000 random documents, in
// emphasis and linkify corners): CABSYNC_PROPERTY_SEED=random (with more runs) looks for them.
const SEED =
  process.env.CABSYNC_PROPERTY_SEED === 'random' ? undefined : Number(process.env.CABSYNC_PROPERTY_SEED ?? 21);
const URL_ = 'https://cabforum.org/2024/01/02/a-post/';

// Inline pieces: words, the punctuation Markdown gives meaning to, and every inline construct.
const word = fc.constantFrom(
  'foo',
  'Bar',
  'ballot',
  'SC-081',
  'x',
  '1',
  '2.',
  'é',
  'snake_case',
  'a*b',
  'C#',
  '10',
  "don't",
  '"q"',
  '--',
);
const punctuation = fc.constantFrom(
  '*',
  '_',
  '`',
  '~',
  '[',
  ']',
  '(',
  ')',
  '<',
  '>',
  '!',
  '#',
  '&',
  '\\',
  '@',
  ':',
  '.',
  '/',
  '-',
  '+',
  '=',
  '|',
  '"',
  "'",
  '{',
  '}',
  '^',
  '$',
  '%',
  ';',
  ',',
  '?',
);
const plainUrl = fc.constantFrom(
  'https://example.com/a',
  'http://x.example/b_c?d=1&e=2',
  'www.example.com',
  'a.b@example.org',
  'ftp://f.example/x',
  'https://x.example/(y)',
);
const text = fc
  .array(
    fc.oneof({ weight: 4, arbitrary: word }, { weight: 3, arbitrary: punctuation }, { weight: 1, arbitrary: plainUrl }),
    { minLength: 1, maxLength: 6 },
  )
  .chain((parts) =>
    fc.array(fc.constantFrom(' ', '', ''), { minLength: parts.length, maxLength: parts.length }).map((gaps) =>
      parts
        .map((part, i) => part + gaps[i])
        .join('')
        .trim(),
    ),
  )
  .filter((t) => t !== '');

const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 6, arbitrary: text },
    fc.tuple(fc.constantFrom('*', '_', '**', '__', '~~'), tie('inline')).map(([d, t]) => `${d}${t}${d}`),
    text.map((t) => `\`${t.replace(/`/g, '')}\``),
    // Not a link in a link: HTML has none, the parser splits them (README, what cannot round-trip).
    fc
      .tuple(
        tie('inline').filter((t) => !/<(?:https:|a@)|\]\(/.test(t)),
        fc.constantFrom('/u', 'https://x.example/p q', '/a(b)', '#frag', 'mailto:a@b.example'),
        fc.constantFrom('', ' "t"', ' "a\nb"', " 'x'"),
      )
      .map(([t, u, title]) => `[${t}](${u.includes(' ') ? `<${u}>` : u}${title})`),
    fc
      .tuple(
        text.map((t) => t.replace(/[[\]]/g, '')),
        fc.constantFrom('/i.png', 'https://x.example/i.png'),
      )
      .map(([t, u]) => `![${t}](${u})`),
    fc.constantFrom(
      '<https://auto.example/x>',
      '<a@b.example>',
      '<span>s</span>',
      '&amp;',
      '&copy;',
      '&#35;',
      '<b>b</b>',
    ),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a}\\\n${b}`),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a} ${b}`),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a}${b}`),
  ),
})).inline;

const indent = (block: string, width: number): string => block.replace(/\n(?=.)/g, `\n${' '.repeat(width)}`);

const blocks: fc.Arbitrary<string[]> = fc.letrec<{ block: string; blocks: string[] }>((tie) => ({
  block: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 5, arbitrary: inline },
    fc
      .tuple(fc.integer({ min: 1, max: 6 }), inline)
      .map(([level, t]) => `${'#'.repeat(level)} ${t.replace(/\n/g, ' ')}`),
    fc.constantFrom('---', '***', '___'),
    fc
      .tuple(
        fc.constantFrom('', 'go', 'text'),
        fc.array(fc.constantFrom('code', '', '  indented', '```', 'a <b> & c', '~~~'), { maxLength: 4 }),
      )
      .map(([lang, lines]) => `\`\`\`\`${lang}\n${lines.join('\n')}\n\`\`\`\``),
    tie('blocks').map((inner) => inner.map((b) => b.replace(/^/gm, '> ')).join('\n>\n')),
    fc
      .tuple(
        fc.constantFrom('-', '*', '+', '1.', '3)'),
        fc.boolean(),
        fc.array(tie('blocks'), { minLength: 1, maxLength: 3 }),
      )
      .map(([marker, loose, items]) =>
        items
          .map((item, i) => {
            const m = /\d/.test(marker) ? `${Number.parseInt(marker, 10) + i}${marker.slice(-1)}` : marker;
            return `${m} ${indent(item.join('\n\n'), m.length + 1)}`;
          })
          .join(loose ? '\n\n' : '\n'),
      ),
    fc
      .tuple(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.array(text, { minLength: 3, maxLength: 3 }), { maxLength: 3 }),
        fc.constantFrom('---', ':--', ':-:', '--:'),
      )
      .map(([columns, rows, align]) =>
        [
          `| ${Array.from({ length: columns }, (_, i) => `h${i}`).join(' | ')} |`,
          `|${` ${align} |`.repeat(columns)}`,
          ...rows.map(
            (row) =>
              `| ${row
                .slice(0, columns)
                .map((cell) => cell.replace(/\|/g, '\\|'))
                .join(' | ')} |`,
          ),
        ].join('\n'),
      ),
    // Not `<div>`: the archive keeps a wrapper's content, not the wrapper; not a raw `<p>`, which in
    // a tight list reads as a loose list's paragraph (README, what cannot round-trip).
    fc.constant('<table><tr><td>raw</td></tr></table>'),
  ),
  blocks: fc.array(tie('block'), { minLength: 1, maxLength: 3 }),
})).blocks;

// A footnote, when there is one, at the top level (its definition in a list item would be the item's).
const document = fc
  .tuple(blocks, fc.boolean())
  .map(([list, note]) => [...list, ...(note ? ['see[^1]', '[^1]: a note'] : [])].join('\n\n'));

const INWORD_EMPHASIS =
  /[\p{L}\p{N}]<(?:em|strong|s|del)>(?:<(?:a|code|img)\b|[\p{P}\p{S}])|(?:<\/(?:a|code)>|<img [^>]*>|[\p{P}\p{S}])<\/(?:em|strong|s|del)>[\p{L}\p{N}]/u;

// Two emphases of one kind side by side filling one of their kind right after punctuation: the outer
// opener then both opens and closes, and the closing run of two it would pair with is a multiple of
// 3 with it (README).
const SIDE_BY_SIDE =
  /[\p{P}\p{S}](?<!<br>|<\/?span>)<(em|strong)><\1>(?:(?!<\/?\1>)[\s\S])*<\/\1><\1>(?:(?!<\/?\1>)[\s\S])*<\/\1><\/\1>/u;

/** The deepest nesting of emphasis (or strong emphasis) in emphasis of its kind. */
function nesting(html: string): number {
  const depth: Record<string, number> = { em: 0, strong: 0, s: 0 };
  let deepest = 0;
  for (const [, close, name] of html.matchAll(/<(\/?)(em|strong|s)>/g)) {
    depth[name!]! += close ? -1 : 1;
    deepest = Math.max(deepest, depth[name!]!);
  }
  return deepest;
}

/** The body a Markdown document renders to, and what its archived Markdown renders to, by both paths. */
function roundTrip(markdown: string): { page: string; archived: string; fromHtml: string; sameBytes: boolean } {
  const { page, body } = extractParsedPage(postPage(render(`${markdown}\n`)), URL_);
  const extracted = page as ExtractedPost;
  const archived = bodyMarkdown(extracted, body);
  const fromHtml = htmlToMarkdown(extracted.contentHtml, URL_);
  return {
    page: normalizeHtml(extracted.contentHtml, { baseUrl: URL_, asArchived: true }),
    archived: normalizeHtml(render(archived)),
    fromHtml: normalizeHtml(render(fromHtml)),
    sameBytes: archived === fromHtml || (extracted.contentHtml.trim() === '' && archived.trim() === ''),
  };
}

describe('minimal cases the property found', () => {
  for (const markdown of FOUND) {
    it(JSON.stringify(markdown), () => {
      const result = roundTrip(markdown);
      expect(result.archived).toBe(result.page);
      expect(result.sameBytes).toBe(true);
    });
  }
});

// Minimal cases the property found that the README names as not round-tripping: each must be skipped.
const NAMED = [
  { markdown: '# __*foo*_foo *__', pattern: SIDE_BY_SIDE },
  { markdown: '> ~~foo~~~~https://example.com/a foo~~', pattern: /<\/s><s>/ },
];

describe('minimal cases outside Markdown, named in the README', () => {
  for (const { markdown, pattern } of NAMED) {
    it(JSON.stringify(markdown), () => {
      expect(render(markdown)).toMatch(pattern);
      const result = roundTrip(markdown);
      expect(result.archived).not.toBe(result.page);
    });
  }
});

describe('random documents render back', () => {
  it(`${RUNS} documents: the archive renders to the body, and the parsed-tree path writes the HTML path's bytes`, () => {
    fc.assert(
      fc.property(document, (markdown) => {
        // An empty link keeps no space or line break next to it (README, what cannot round-trip).
        // `<?`, `<!`: raw HTML (a processing instruction, a comment) that runs on to its end; the archive drops comments (README).
        fc.pre(!/<[?!]/.test(markdown));
        // A URL run into an e-mail address (`www.x.coma@b.org`): linkify-it and goldmark split it differently (oracle).
        fc.pre(!/(?:www\.|:\/\/)[^\s<]*@/.test(markdown));
        // Raw <b> and <i> read as the archive writes them (strong, emphasis).
        const html = render(`${markdown}\n`)
          .replace(/<(\/?)b>/g, '<$1strong>')
          .replace(/<(\/?)i>/g, '<$1em>');
        fc.pre(!/<a [^>]*><\/a>/.test(html));
        // Emphasis or a link that opens or closes on a line break: written as the break and text beside it.
        fc.pre(!/<(?:em|strong|s|del|a)\b[^>]*><br>|<br>\s*<\/(?:em|strong|s|del|a)>/.test(html));
        // Emphasis three deep in emphasis of its kind (two delimiters cannot tell three levels apart),
        // strikethrough in or right after strikethrough (one delimiter; goldmark reads `~~a~~~~b~~` as one).
        fc.pre(nesting(html) < 3 && !/<s>(?:(?!<\/s>)[\s\S])*<s>|<\/s><s>/.test(html));
        // Three emphasis delimiters at one edge (`_**_`) pair up otherwise when punctuation or a link follows.
        fc.pre(!/(?:<(?:em|strong|s)>){3}|(?:<\/(?:em|strong|s)>){3}/.test(html));
        // Emphasis right after emphasis of its kind when either has emphasis at its edge (`**b**___x___`): the same.
        fc.pre(!/<\/(em|strong)><\1><(?:em|strong)>|<\/(?:em|strong)><\/(em|strong)><\2>/.test(html));
        // An image alt with a backslash, bracket or backtick: goldmark writes the alt's escapes into it (README).
        fc.pre(!/<img [^>]*alt="[^"]*[\\[\]`]/.test(html));
        // A line break in a heading: the archive writes headings on one line (ATX) (README).
        fc.pre(!/<h([1-6])>(?:(?!<\/h\1>)[\s\S])*<br>/.test(html));
        // Lines a raw HTML block took in are bare text in the body: the archive writes them as a paragraph (README).
        fc.pre(!/<\/table>[^\S\n]*\n?[^<\s]/.test(html));
        // An in-page link reading only `#`, `¶` or `§` is a heading anchor to the extractor: chrome (README).
        fc.pre(!/<a href="#[^"]*"[^>]*>(?:<[^>]+>|\s)*[#¶§]?(?:<[^>]+>|\s)*<\/a>/u.test(html));
        // Emphasis inside a word that opens or closes on punctuation, a link or code: its delimiter
        // would need the letter beside it written as a character reference (README).
        fc.pre(!INWORD_EMPHASIS.test(html.replace(/<\/?span>/g, '')));
        // …or that holds emphasis of its kind or touches emphasis: both want the delimiter that works inside a word.
        fc.pre(
          !(
            /[\p{L}\p{N}]<(?:em|strong)>|<\/(?:em|strong)>[\p{L}\p{N}]/u.test(html) &&
            /<(em|strong)>(?:(?!<\/\1>)[\s\S])*<\1>|<\/(?:em|strong)><(?:em|strong)>/.test(html)
          ),
        );
        fc.pre(!SIDE_BY_SIDE.test(html));
        // A code span with a space at the edge of a link or emphasis, or an image between a space and
        // that edge: turndown reads the edge from the text alone and puts a space outside too (README).
        fc.pre(
          !/ <\/code><\/(?:a|em|strong|s|del)>|<(?:a|em|strong|s|del)\b[^>]*><code> |\s(?:<img [^>]*>)+<\/(?:a|em|strong|s|del)>|<(?:a|em|strong|s|del)\b[^>]*>(?:<img [^>]*>)+\s/.test(
            html,
          ),
        );
        const result = roundTrip(markdown);
        expect(result.archived).toBe(result.page);
        expect(result.sameBytes).toBe(true);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  }, 300_000);
});
