import type TurndownService from 'turndown';
import {
  absoluteUrl,
  escapeText,
  formatDestination,
  formatTitle,
  isUnsafeUrl,
  unescapeLineStart,
  unescapeLinkify,
} from './escape.js';
import { codeSpan, emphasisChar, writtenBeside } from './inline.js';
import { formatLink } from './links.js';
import type { DomNode } from './dom.js';
import {
  insideListItem,
  isListItem,
  isLooseList,
  itemLead,
  joinedAfterEmptyItems,
  listItem,
  listMarker,
} from './lists.js';
import { MARK, REMOVED_ELEMENTS } from './prepare.js';
import { FOOTNOTE_RULES } from './footnote-rules.js';
import { indent, is, type RuleContext, type SiteRule } from './site-rule.js';
import { TABLE_RULES } from './table-rules.js';

export { REMOVED_ELEMENTS } from './prepare.js';
export type { RuleContext, SiteRule } from './site-rule.js';

/**
 * The site's conversion rules, as data. Turndown tries the most recently added rule first, so these
 * win over its defaults and the GFM plugin's, and later entries here win over earlier ones.
 */
export const SITE_RULES: readonly SiteRule[] = [
  {
    key: 'heading',
    filter: is('H1', 'H2', 'H3', 'H4', 'H5', 'H6'),
    replacement: (content, node) => {
      const text = unescapeLineStart(content.replace(/\s*\\?\n\s*/g, ' ').trim())
        .replace(/(^|[ \t])(#+)$/, '$1\\$2')
        .replace(/(?<!\\)\{([^{}`]*)\}$/, '\\{$1}');
      return text ? `\n\n${'#'.repeat(Number(node.nodeName.charAt(1)))} ${text}\n\n` : '';
    },
    why: "ATX on one line (a final run of `#` escaped: it would close the heading; a final `{…}` too: Hugo's heading attributes); a heading with nothing left (anchor removed) disappears",
  },
  {
    key: 'listItem',
    filter: isListItem,
    replacement: (content, node) => listItem(content, node),
    why: '`- ` and `1. ` markers (turndown pads to four columns), `* ` and `1) ` for a list right after one of its kind; nesting indented by the marker width',
  },
  {
    key: 'emphasis',
    filter: is('EM', 'I'),
    replacement: (content, node) => {
      if (!content.trim()) return content;
      // `_` does not open or close emphasis inside a word (foo_bar_baz); `__x__` is strong.
      const delimiter = emphasisChar(node, content, '_');
      return `${delimiter}${unescapeLineStart(content)}${delimiter}`;
    },
    why: 'one emphasis style (`_`), and `*` where `_` would not work inside a word or around `_` emphasis',
  },
  {
    key: 'strong',
    filter: is('STRONG', 'B'),
    replacement: (content, node) => {
      if (!content.trim()) return '';
      // `****x**…**` is no strong in strong: around `**` strong, `__` (which does not work inside a word).
      const delimiter = emphasisChar(node, content, '*').repeat(2);
      return `${delimiter}${unescapeLineStart(content)}${delimiter}`;
    },
    why: 'after `**` a line has begun: `**1. Present:**` needs no escaped dot; `__` around strong',
  },
  {
    key: 'lineBreak',
    filter: is('BR'),
    replacement: (_content, node) => (hasTextAfter(node) ? '\\\n' : ''),
    why: 'a backslash hard break leaves no trailing spaces; breaks with no text after them are dropped',
  },
  {
    key: 'blockquote',
    filter: is('BLOCKQUOTE'),
    replacement: (content, node) => {
      const trimmed = content.replace(/^\n+|\n+$/g, '');
      const text = insideListItem(node) ? joinedAfterEmptyItems(trimmed, false) : trimmed;
      return `\n\n${text.replace(/^/gm, '> ').replace(/^> $/gm, '>')}\n\n`;
    },
    why: 'no trailing space on the blank lines of a quote; an empty quote is `>`; in a list item, no blank line after an empty item (lists.ts)',
  },
  {
    key: 'codeBlock',
    filter: is('PRE'),
    replacement: (_content, node) => {
      const text = node.textContent ?? '';
      const code = text.replace(/\n$/, '');
      const language =
        /(?:^|\s)language-(\S+)/.exec(node.querySelector('code')?.getAttribute('class') ?? '')?.[1] ?? '';
      // A backtick fence cannot carry a backtick in its info string: then tildes.
      const mark = language.includes('`') ? '~' : '`';
      const longest = Math.max(2, ...(code.match(mark === '`' ? /`{3,}/g : /~{3,}/g) ?? []).map((run) => run.length));
      const fence = mark.repeat(longest + 1);
      return `\n\n${fence}${language}\n${text === '' ? '' : `${code}\n`}${fence}\n\n`;
    },
    why: 'fenced, with or without an inner <code> (Hugo highlighting adds spans), fence longer than any run inside',
  },
  {
    key: 'inlineCode',
    filter: (node) => node.nodeName === 'CODE' && node.parentNode?.nodeName !== 'PRE',
    replacement: (_content, node) =>
      codeSpan(
        (node.textContent ?? '').replace(/\r?\n|\r/g, ' '),
        EMPHASIS.has(node.previousSibling?.nodeName ?? '') ? '*' : writtenBeside(node)[0],
      ),
    why: "the span's own spaces kept inside it (with preformattedCode turndown leaves them there), a fence longer than any backtick run",
  },
  {
    key: 'horizontalRule',
    filter: is('HR'),
    replacement: (_content, node) => (insideListItem(node) ? `\n___${hasTextAfter(node) ? '\n' : ''}` : '\n\n---\n\n'),
    why: 'in a list item `___` on its own line, no blank line (a tight item stays tight): `- ---` is a rule outside the list, `* ***` too, `---` under text a heading underline',
  },
  {
    key: 'taskCheckbox',
    filter: (node) =>
      node.nodeName === 'INPUT' &&
      node.getAttribute('type') === 'checkbox' &&
      (node.parentNode?.nodeName === 'LI' ||
        (node.parentNode?.nodeName === 'P' && node.parentNode.parentNode?.nodeName === 'LI')),
    replacement: (_content, node) => (node.hasAttribute('checked') ? '[x] ' : '[ ] '),
    why: "the GFM plugin's task box, also in a loose item's paragraph (goldmark puts it there)",
  },
  {
    key: 'mark',
    filter: is(MARK),
    replacement: (_content, node) => node.getAttribute('written') ?? '',
    why: 'a character that would mean something else beside its neighbour, written escaped (prepare.ts marks it)',
  },
  {
    key: 'link',
    filter: (node) => node.nodeName === 'A' && node.getAttribute('href') !== null,
    replacement: (content, node, context) => formatLink(content, node, context),
    why: 'absolute URLs; a link whose text is its own URL is written bare, as the site sources do',
  },
  {
    key: 'image',
    filter: is('IMG'),
    replacement: (_content, node, context) => {
      const alt = unescapeLinkify(escapeText((node.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim())).replace(
        /(?<!\\)[[\]]/g,
        '\\$&',
      );
      const src = node.getAttribute('src') ?? '';
      if (!src.trim() || isUnsafeUrl(src)) return alt;
      return `![${alt}](${formatDestination(absoluteUrl(src, context.baseUrl))}${formatTitle(node.getAttribute('title'))})`;
    },
    why: 'absolute src; an unsafe or missing src leaves the alt text',
  },
  {
    key: 'headingAnchor',
    filter: (node) =>
      node.nodeName === 'A' &&
      /^H[1-6]$/.test(node.parentNode?.nodeName ?? '') &&
      (node.getAttribute('href') ?? '').startsWith('#') &&
      /^[#¶§🔗]?$/u.test((node.textContent ?? '').trim()),
    replacement: () => '',
    why: 'goldmark heading anchors ("#") are a rendering aid, not heading text',
  },
  ...FOOTNOTE_RULES,
  ...TABLE_RULES,
];

/** Applies the site rules to a turndown service, once: removals, rules, and the text escaping. */
export function sitePlugin(context: RuleContext): TurndownService.Plugin {
  return (service) => {
    service.remove([...REMOVED_ELEMENTS] as never);
    for (const rule of SITE_RULES) {
      // Turndown types its nodes as the DOM's; ours are the view's (dom.ts), the same shape.
      /* eslint-disable @typescript-eslint/no-unnecessary-type-assertion */
      service.addRule(rule.key, {
        filter: rule.filter as unknown as TurndownService.FilterFunction,
        replacement: (content, node) => rule.replacement(content, node as unknown as DomNode, context),
      });
      /* eslint-enable @typescript-eslint/no-unnecessary-type-assertion */
    }
    service.escape = escapeText; // turndown escapes every text node through this method
  };
}

/**
 * Turndown's option for elements with nothing in them (its rules never see them): an empty list
 * item is still an item (dropped, the list after it would render otherwise), an empty code block a
 * code block; else turndown's default.
 */
export function blankReplacement(_content: string, node: TurndownService.Node): string {
  const element = node as unknown as DomNode;
  // An empty item's own empty lists are still there (`- -`).
  if (isListItem(element)) {
    const nested = blankChildren(element).trim();
    if (nested === '') return listItem('', element);
    const prefix = listMarker(element);
    const loose = isLooseList(element.parentNode) ? '\n' : '';
    const body = joinedAfterEmptyItems(nested, loose !== '' && element.parentNode?.children.length === 1);
    return `${itemLead(prefix, body)}${indent(body, prefix.length)}${loose}${element.nextSibling ? '\n' : ''}`;
  }
  if ((element.nodeName === 'UL' || element.nodeName === 'OL') && element.children.length > 0) {
    return `\n\n${element.children.map((item) => blankReplacement('', item as unknown as TurndownService.Node)).join('')}\n\n`;
  }
  // A code block of blank lines is still a code block.
  if (element.nodeName === 'BLOCKQUOTE') {
    const inner = element.children
      .map((child) => blankReplacement('', child as unknown as TurndownService.Node))
      .join('');
    return SITE_RULES.find((rule) => rule.key === 'blockquote')!.replacement(inner, element, { baseUrl: '' });
  }
  if (element.nodeName === 'CODE' && element.parentNode?.nodeName !== 'PRE')
    return codeSpan(element.textContent.replace(/\r?\n|\r/g, ' '));
  if (element.nodeName === 'PRE')
    return SITE_RULES.find((rule) => rule.key === 'codeBlock')!.replacement('', element, { baseUrl: '' });
  // A heading or paragraph (or any element) of white space still holds its code spans (`` # ` ` ``).
  const inner = element.getElementsByTagName('pre').length === 0 ? blankCodeSpans(element) : '';
  // An empty heading (not one emptied by removing its anchor: the heading rule drops that).
  if (/^H[1-6]$/.test(element.nodeName))
    return `\n\n${'#'.repeat(Number(element.nodeName.charAt(1)))}${inner && ` ${inner}`}\n\n`;
  // Emphasis of blank code spans is still emphasis.
  const emphasis = inner && SITE_RULES.find((rule) => BLANK_EMPHASIS.includes(rule.key) && rule.filter(element));
  if (emphasis) return emphasis.replacement(inner, element, { baseUrl: '' });
  if (inner) return element.isBlock ? `\n\n${inner}\n\n` : inner;
  return element.isBlock ? '\n\n' : '';
}

const BLANK_EMPHASIS = ['emphasis', 'strong'];
// Emphasis right before a code span ends in its delimiter, which an e-mail's local part may hold.
const EMPHASIS = new Set(['EM', 'I', 'STRONG', 'B']);

// The code spans of an element of white space.
function blankCodeSpans(element: DomNode): string {
  return element.getElementsByTagName('code').length === 0 ? '' : blankChildren(element).trim();
}

// An empty element's children: white space between two of them one space (not run into one code
// span: `` ` ` ` ` ``), a code span's own spaces kept.
function blankChildren(element: DomNode): string {
  let result = '';
  for (const child of element.childNodes) {
    if (child.nodeType === 1) result += blankReplacement('', child);
    else if (child.nodeType === 3 && child.data && result !== '' && !/\s$/.test(result)) result += ' ';
  }
  return result;
}

function hasTextAfter(node: DomNode): boolean {
  for (let next = node.nextSibling; next; next = next.nextSibling) {
    if (
      (next.textContent ?? '').trim() !== '' ||
      next.nodeName === 'IMG' ||
      (next.nodeType === 1 && next.getElementsByTagName('img').length > 0)
    )
      return true;
  }
  return false;
}
