// What the Hugo sample (test/convert.hugo.test.ts) skips beyond the property test's list
// (property-skips.ts): bodies Hugo 0.111's goldmark cannot be given back by any Markdown, or that
// it mis-parses where CommonMark is clear. Each entry is checked against the body (normalized).

export interface HugoSkip {
  pattern: RegExp;
  why: string;
}

export const HUGO_SKIPS: readonly HugoSkip[] = [
  {
    pattern: /<h([1-6])>(?:(?!<\/h\1>)[\s\S])*<(?:a|em|strong)\b(?:(?!<\/h\1>)[\s\S])*<(?:del|s)>/,
    why: "Hugo fails the whole build on it (goldmark's heading ID walks the strikethrough as its parent: `index out of range`), so the site never had such a page: strikethrough in a link or emphasis in a heading",
  },
  {
    pattern: /<img [^>]*alt="[^"]*(?:[\\[\]`*_~<>&"']|--|\.\.\.)/,
    why: "goldmark writes an image's alt from the source: an escape or entity stays in it, the typographer's quotes and dashes come out as `&amp;ldquo;` (README: image alt text)",
  },
  {
    pattern: /[^\x00-\x7f\p{L}\p{N}\p{P}\s]<(?:em|strong|del|s)>|<\/(?:em|strong|del|s)>[^\x00-\x7f\p{L}\p{N}\p{P}\s]/u,
    why: 'emphasis or strikethrough beside a symbol such as `©`: a word character to goldmark (CommonMark 0.30 punctuation is Unicode P only), punctuation to the oracle; then it is emphasis inside a word (README)',
  },
  {
    pattern:
      /<(ul|ol)\b[^>]*><li><(?:ul|ol)\b[^>]*>(?:(?!<\/?li>)[\s\S])*(?:<li>(?:(?!<\/?li>)[\s\S])*<\/li>)*<li><\/li><\/(?:ul|ol)><p>(?:(?!<\/?(?:li|ul|ol)\b)[\s\S])*<\/li><\/\1>/,
    why: 'a one-item list whose item is a list ending in an empty item, then a paragraph (and a table: `- 2.\n\n  x`): the blank line that makes the item loose ends it in goldmark (CommonMark keeps it)',
  },
  {
    pattern: /<li><ul><li><ul><li><\/li>/,
    why: 'an item whose first line would be three bullets (`- - -`, a rule): its content starts on the next line, where goldmark reads the marker as the next item (CommonMark nests it)',
  },
  {
    pattern:
      /(?<=<li>(?:(?!<\/li>)[\s\S])*<(?:ul|ol)\b[^>]*>(?:(?!<\/?(?:ul|ol)\b)[\s\S])*)<li>(?:<(?:ul|ol)\b[^>]*>|<li><\/li>|<\/(?:ul|ol)>)*<\/li>(?:<\/(?:ul|ol)><\/li>)*<li>/,
    why: "in an item, an empty item then its list's (or an enclosing list's) next item, after the blank line that makes that list loose: goldmark ends the enclosing items there (CommonMark keeps them)",
  },
  {
    pattern: /<li><p>(?:(?!<\/?li>)[\s\S])*<\/p><table>/,
    why: 'goldmark calls a list item of a paragraph and a table tight (no `<p>`) though a blank line is between them',
  },
];

/** The first entry that skips the body, if any. */
export const hugoSkip = (body: string): HugoSkip | undefined => HUGO_SKIPS.find((skip) => skip.pattern.test(body));
