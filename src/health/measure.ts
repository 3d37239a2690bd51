// Rough, robust counts over Markdown: enough to see a body lose a third of itself, not a parser.

// `---` YAML front matter at the very top of an archive file.
const FRONT_MATTER = /^---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/;
// `](destination "title")`, allowing one level of parentheses inside the destination.
const INLINE_DESTINATION = /\]\((?:[^()]|\([^()]*\))*\)/g;
const HTML_ANCHOR = /<a\s[^>]*>/gi;
// A tag name then space, `/` or `>`: an autolink `<https://…>` is not a tag.
const HTML_TAG = /<\/?[a-zA-Z][\w-]*(?:[\s/][^>]*)?>/g;
const BARE_URL = /\bhttps?:\/\/[^\s<>)\]]+/g;
const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;
const HTML_CELL = /<t[dh][\s>]/gi;
// A pipe-table delimiter row: `| --- | :-: |`, `---|---`.
const DELIMITER_ROW = /^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$/;
const UNESCAPED_PIPE = /(?<!\\)\|/;

/** The Markdown after any YAML front matter (callers may pass a whole archive file). */
export function bodyOf(markdown: string): string {
  return markdown.replace(FRONT_MATTER, '');
}

/** Words of running text; link destinations, bare URLs and HTML tags are not words. */
export function countWords(markdown: string): number {
  const text = bodyOf(markdown).replace(INLINE_DESTINATION, ']').replace(HTML_TAG, ' ').replace(BARE_URL, ' ');
  return text.match(WORD)?.length ?? 0;
}

/** Inline links and images (`](`), HTML anchors, and bare or autolinked URLs. */
export function countLinks(markdown: string): number {
  let links = 0;
  const rest = bodyOf(markdown)
    .replace(INLINE_DESTINATION, () => {
      links += 1;
      return ']';
    })
    .replace(HTML_ANCHOR, () => {
      links += 1;
      return ' ';
    })
    .replace(HTML_TAG, ' ');
  return links + (rest.match(BARE_URL)?.length ?? 0);
}

/** Cells of GFM pipe tables (header and body rows; delimiter rows excluded) plus HTML `<td>`/`<th>`. */
export function countTableCells(markdown: string): number {
  const lines = bodyOf(markdown).split(/\r?\n/);
  let cells = bodyOf(markdown).match(HTML_CELL)?.length ?? 0;
  for (let i = 1; i < lines.length; i++) {
    const delimiter = lines[i]!.trim();
    if (!delimiter.includes('|') || !DELIMITER_ROW.test(delimiter) || !lines[i - 1]!.includes('|')) continue;
    cells += cellsOf(lines[i - 1]!);
    // Body rows run until the first line without a pipe (usually a blank line).
    for (i += 1; i < lines.length && lines[i]!.includes('|'); i++) cells += cellsOf(lines[i]!);
  }
  return cells;
}

function cellsOf(row: string): number {
  const trimmed = row
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  return trimmed.split(UNESCAPED_PIPE).length;
}
