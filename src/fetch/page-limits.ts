import { tagDepth } from '../extract/dom.js';

/**
 * What an HTML page may be before it is parsed. The parsers are the costly part: a 9.5 MB page of
 * unclosed `<a>` grew to 4 GB, and parse time grows with the square of nesting depth. Real posts
 * are under 1 MB and a few dozen levels deep, so the limits sit far above them.
 */
export const PAGE_LIMITS = {
  /** Characters of decoded HTML. */
  maxChars: 4 * 1024 * 1024,
  /** Open elements at once, counted as below. */
  maxDepth: 1_000,
} as const;

// Elements that never hold content, and those whose end tag HTML lets an author leave out: neither
// is counted, so a page of unclosed `<p>` or `<li>` (valid HTML) never looks deep.
const NOT_COUNTED = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rp rt rtc html head body'.split(
    ' ',
  ),
);

// Text the tokenizer reads as text, not tags: comments and the bodies of raw-text elements.
const RAW_TEXT =
  /<!--[\s\S]*?(?:-->|$)|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b[\s\S]*?(?:<\/\1\s*>|$)/gi;
/** The deepest nesting of counted elements, outside comments and raw text (see tagDepth). */
export function nestingDepth(html: string): number {
  return tagDepth(html.replace(RAW_TEXT, ''), NOT_COUNTED);
}

/** Why a page must not be parsed, or undefined. Pure; linear in the page's length. */
export function pageLimitBreach(
  html: string,
  limits: { maxChars: number; maxDepth: number } = PAGE_LIMITS,
): string | undefined {
  if (html.length > limits.maxChars)
    return `page too large to parse: ${html.length} characters, over ${limits.maxChars}`;
  const depth = nestingDepth(html);
  if (depth > limits.maxDepth)
    return `page nested too deep to parse: ${depth} levels of elements, over ${limits.maxDepth}`;
  return undefined;
}
