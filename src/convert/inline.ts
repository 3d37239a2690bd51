// Delimiters of inline code and emphasis, chosen from what is written beside them: CommonMark's
// delimiter runs (§6.2) merge or fail to open where a `*` or `_` touches another or a letter.
import type { DomNode } from './dom.js';
import { MARK } from './prepare.js';

// goldmark's linkify reads an e-mail address's local part across a backtick (``1`a@b.org` `` links
// `` 1`a@b.org ``): after such a character, a span opening with an address is padded with spaces.
const LOCAL_PART_END = /[\w.!#$%&'*+/=?^{|}~-]$/;
const ADDRESS_START = /^[\w.!#$%&'*+/=?^`{|}~-]*@[\w-]+\./;

// CommonMark strips one space from each side of a span that has both and more than spaces.
export function codeSpan(code: string, before = ''): string {
  if (code === '') return '';
  const runs = new Set(code.match(/`+/g) ?? []);
  let fence = '`';
  while (runs.has(fence)) fence += '`';
  const address = LOCAL_PART_END.test(before) && ADDRESS_START.test(code);
  const pad = address || /^`|`$/.test(code) || /^ (?=.*[^ ]).* $/s.test(code) ? ' ' : '';
  return `${fence}${pad}${code}${pad}${fence}`;
}

// The text written right before and after an inline element, as far as its text siblings tell: an
// element sibling starts or ends with its own delimiter (punctuation), not its text.
export function writtenBeside(node: DomNode): [string, string] {
  const text = (sibling: DomNode | null): string =>
    !sibling || DELIMITED.has(sibling.nodeName) ? '' : sibling.textContent;
  return [text(node.previousSibling), text(node.nextSibling)];
}

/** Elements written with punctuation at their edges; any other (a span) is written as its text. */
const DELIMITED = new Set(['EM', 'I', 'STRONG', 'B', 'A', 'CODE', 'DEL', 'S', 'STRIKE', 'IMG', 'BR', 'SUP', MARK]);

// The emphasis delimiter the content starts or ends with: the one around it must differ, or the runs merge.
export function edgeDelimiter(content: string): string | undefined {
  return /^[*_]/.exec(content)?.[0] ?? /(?<!\\)[*_]$/.exec(content)?.[0];
}

// A character emphasis does not open or close beside when it is `_`: goldmark (CommonMark 0.30)
// counts only Unicode punctuation (P) as punctuation, so a symbol such as `©` is part of a word.
const WORD_END = /[^\s\p{P}!-/:-@[-`{-~]$/u;
const WORD_START = /^[^\s\p{P}!-/:-@[-`{-~]/u;

const kind = (name: string): string => ({ B: 'STRONG', I: 'EM' })[name] ?? name;

// The character each emphasis and strong was written with. Turndown writes siblings in order, so an
// element's previous sibling has its entry by the time the element is written.
const written = new WeakMap<DomNode, '*' | '_'>();
const other = (char: string | undefined): '*' | '_' | undefined =>
  char === undefined ? undefined : char === '*' ? '_' : '*';

/**
 * The character (`*` or `_`) of emphasis or strong, strongest reason first: inside a word only `*`
 * works; a delimiter of the content's edge, or of emphasis written right before, would merge with
 * it into one run (`*'*` then `**foo**` reads `*'***foo**`, whose run cannot close after `'`);
 * else `usual`, or the other one where {@link alternates} says so.
 */
export function emphasisChar(node: DomNode, content: string, usual: '*' | '_'): '*' | '_' {
  const [before, after] = writtenBeside(node);
  const inWord = WORD_END.test(before) || WORD_START.test(after);
  const char = inWord
    ? '*'
    : (other(edgeDelimiter(content)) ??
      other(writtenInside(node)) ??
      other(writtenBefore(node)) ??
      (alternates(node) ? other(usual)! : usual));
  written.set(node, char);
  return char;
}

// The character of the first emphasis of its kind inside it (written already: turndown writes an
// element's content first). That one may have had to take this one's usual character.
function writtenInside(node: DomNode): string | undefined {
  for (const child of node.children) {
    const inside = kind(child.nodeName) === kind(node.nodeName) ? written.get(child) : writtenInside(child);
    if (inside !== undefined) return inside;
  }
  return undefined;
}

// The character of emphasis written right against this node's opening (no white space between).
function writtenBefore(node: DomNode): string | undefined {
  const previous = node.previousSibling;
  if (!previous || previous.flankingWhitespace?.trailing || node.flankingWhitespace?.leading) return undefined;
  return written.get(previous);
}

// Emphasis right after or inside emphasis of its kind would run into its delimiters (`**a****b**`,
// `**a **b** c**`): every other one, by those before and above it, takes the other delimiter.
export function alternates(node: DomNode): boolean {
  let count = 0;
  for (
    let sibling = node.previousSibling;
    sibling && sibling.nodeType === 1 && kind(sibling.nodeName) === kind(node.nodeName);
    sibling = sibling.previousSibling
  )
    count += 1;
  // Only emphasis right inside its kind: a strong between two ems keeps their delimiters apart.
  for (
    let parent = node.parentNode;
    parent && ['EM', 'STRONG'].includes(kind(parent.nodeName));
    parent = parent.parentNode
  ) {
    if (kind(parent.nodeName) !== kind(node.nodeName)) break;
    count += 1;
  }
  return count % 2 === 1;
}
