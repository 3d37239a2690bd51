// The property test's random documents (test/convert.property.test.ts; test/convert.hugo.test.ts
// builds a sample of them with Hugo): every block and inline construct of the site's Markdown.
import fc from 'fast-check';

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
export const document = fc
  .tuple(blocks, fc.boolean())
  .map(([list, note]) => [...list, ...(note ? ['see[^1]', '[^1]: a note'] : [])].join('\n\n'));
