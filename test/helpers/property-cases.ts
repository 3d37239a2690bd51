// The property test's minimal failing cases (test/convert.property.test.ts), kept as fixed tests:
// each failed before its fix (a converter defect or an oracle mismatch against goldmark).
export const FOUND = [
  '> ````\n> \n> ````\n>\n> foo',
  '- foo\n\n*',
  '> <https://auto.example/x>\\\n> *',
  'a.b@example.org* foo *',
  '- # ![[](/i.png)\\ https://example.com/a\n\nfoo',
  '- > foo `foo\\\n  > `foo`\n  >\n  > *',
  '# www.example.com* foofoo',
  '[`[`](/u)\n\nhttps://example.com/a',
  'foo\\\n*www.example.com\n\n*',
  '>\n\nfoo',
  '````text\n\n````\n\n{',
  '- > foo\\\n  > *![*](/i.png)*\n\n  foo',
  '- #\n\n  foo\n- foo',
  '- *\n\n<https://auto.example/x>',
  '- - *\n- ]',
  '` `foo`',
  '- > foo\n\n  | h0 |\n  | --- |\n\n*',
  '- **__![*](/i.png)__, https://example.com/a**\n\n  *\n- *\n\n*',
  '- ````\n\n\n  ````\n\n  https://example.com/a\n- *\n\n*',
  '- foo\n\n+ ---\n+ foo\n\nfoo',
  '> - ![foo https://example.com/a \\](/i.png)\n> \n>   foo\n> - https://example.com/a\n>\n> foo\n\nfoo',
  '- <https://auto.example/x>&copy;',
  '- ---\n\n  [foo](/u "a\n  b")\n\n  foo\n- foo',
  '~~~ ` foo~~\\\n*\n\nfoo',
  '> ````\n> \n> ````\n>\n> https://example.com/a\n\n````\n\n\n````',
  'https://example.com/a,\\$\n\nfoo',
  '- 2.\n\n- foo',
  '- *foo***https://example.com/a foo**\n\n  *\n- *\n\nfoo',
  'foo\\\n__foo )**https://example.com/a** foo__',
  '- - ~~*~~~<span>s</span>\n\n    foo\n\n  foo',
  'foo\\\nhttps://example.com/a&#35;` foo\\\nfoohttps://example.com/a\n\nfoo',
  '- &amp;@10www.example.com [ *\\\n  foo\n\n  foo\n- *\n\n*',
  'a*b x@~2.http://x.example/b_c?d=1&e=2',
  '!a.b@example.org`foo`',
  '<https://auto.example/x>;.\n\nfoo',
  '*foo*<span>s</span>',
  '<span>s</span>*foo*\n\n*',
  '- - [`\\@ *`](/u)\n  - foo\n\n  *',
  '- - - 2.\n\n    foo\n  - *',
  '[https://example.com/a](/u "a\nb")\\\n-',
  '- > https://example.com/a2.![https://example.com/a ](/i.png)\n\n  foo\n- foo\n\n*',
  '` `\n\n,',
  '- ````\n\n  ````\n\n  foo\n- foo\n\nfoo',
  'x\n\n- - foo\\\n    - ) SC-081 Bar a*b https://example.com/a\\\n    *\n\n  foo\n- https://example.com/a',
  '- - - foo\n\n      foo\n\n    > foo\n\nhttps://example.com/a',
  '- - ````\n    code\n\n    ````\n  - foo\n\n*',
  '| h0 |\n| --- |\n| @ <x > snake_case $ |\n\nhttps://example.com/a',
  '&#35;@a.b@example.org *',
  '- [ ] *foo\n\n  *\n\n*',
  "- > _a.b@example.org foo __' 2. a.b@example.org_foo_",
  '> - *\\\n>   > foo\\\n>   2. x 10 {\n>\n> *',
  '> # ) www.example.com <Bar >',
  '- - > https://example.com/a\n\n    > *\n\n  ````\n\n  ````\n- ````\n\n  ````\n\n*',
  '[ foo\\\n![foo](/i.png)[]\\\nfoo](/u)\n\nfoo',
  '- foo\\\n  # ) a*b ballot $\\\n  |\n\nfoo',
  '[[ ] *foo\\](/u)\n\nfoo',
  '<--a.b@example.orgx>',
  '# `{` foo }',
  "*_'_**foo****",
  '# ` `\n\nhttps://example.com/a',
  '\\-- --', // a thematic break's dashes may have spaces between
  '- **![foo](/i.png)* foo*\n\n  foo', // no space before an item's first line: its next lines would fall outside
  '*? C#_a.b@example.org foo*', // an e-mail's `_` read as a delimiter (markdown-it links after emphasis)
  '- ` ` ` `\n\nx', // two blank code spans in an empty item: not run into one
  'x *` `* y', // emphasis of a blank code span
  '- [[ ] x](/u)', // a task box's escaped `[` in a link's text: its `]` too
  '1. - 2.\n\n   - foo\n\nx', // the blank line before an empty item's next item stays: it makes the list loose
  '- *[_**] +**_ +](/u)*\n\n  foo\n\n*', // emphasis avoids the character of emphasis of its kind inside it
];

// Minimal cases the Hugo sample (test/convert.hugo.test.ts) found, built with Hugo in every run:
// each rendered back otherwise in goldmark before its fix, not in the oracle.
export const HUGO_FOUND = [
  '"ftp://f.example/x foo', // goldmark links after its typographer's quote…
  '--https://example.com/a', // …and dash
  'x\\\n: y', // a definition list under a line
  'https://x.example/(y)10a*b', // goldmark ends a URL at `*`…
  'https://example.com/a"', // …and not at a quote
  'www.example.com-snake_case', // a `www.` link ends after the last lower-case name
  '&copy;_foo " x_', // `©` is a word character to goldmark: `_` cannot open after it
  'ftp://f.example/x), y', // goldmark keeps a `)` that punctuation follows
  '#### ) < {}', // Hugo reads a heading's final `{…}` as its attributes
  '1`a.b@example.org`', // goldmark's e-mail linkify reads a local part across a backtick
  '[x](/a&amp;copy;)', // goldmark decodes an entity after `\&` in a destination
  'x\\\n|-', // a delimiter row after a hard break makes a table
  '- a [ ] b', // goldmark makes a task box of `[ ]` anywhere in an item's first paragraph
  '- -\n\nx', // goldmark reads an item's empty first line and a marker under it as two items…
  '- x\n\n  -\n\n  y', // …and ends the item at a blank line after an empty item…
  '- > 2.\n  >\n  > x', // …in a quote too…
  '1. -\n\n   2.\n2. x', // …and in an empty item
  '- a [x](/u) b', // goldmark makes a task box of a link reading `x` in an item
  'x <<https://a.example/x>', // goldmark's typographer takes `<<`, then linkify the URL with its `>`
  '[x {{% y](/u) {{< z', // Hugo reads `{{%` and `{{<` as shortcodes: an unknown one fails the build
  '- 1. a\n\n     b\n\n     2.\n  2. >\n\nx', // no blank line after an item's last empty item where its list is loose anyway
  '> **C#**`a.b@example.org`', // an e-mail's local part across emphasis's delimiter and a backtick
  '_Bar2._@www.example.com', // an e-mail's local part across emphasis's closing delimiter, `_` or `*`
  '\\\\\\\n<b>b</b>', // goldmark reads an escaped backslash before a backslash hard break as two backslashes
];
