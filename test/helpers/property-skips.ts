// The random documents the property tests skip: the README's list of what cannot round-trip (and
// two oracle limits), as data. A document is skipped when any entry's `skips` holds for it.
import { render } from './render.js';

export interface Skip {
  /** True for a document (its Markdown source, and the body HTML the site renders it to) to skip. */
  skips: (markdown: string, html: string) => boolean;
  why: string;
}

const INWORD_EMPHASIS =
  /[\p{L}\p{N}]<(?:em|strong|s|del)>(?:<(?:a|code|img)\b|[\p{P}\p{S}])|(?:<\/(?:a|code)>|<img [^>]*>|[\p{P}\p{S}])<\/(?:em|strong|s|del)>[\p{L}\p{N}]/u;

/**
 * Two emphases of one kind side by side filling one of their kind right after punctuation: the
 * outer opener then both opens and closes, and the closing run of two it would pair with is a
 * multiple of 3 with it (README).
 */
export const SIDE_BY_SIDE =
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

export const SKIPS: readonly Skip[] = [
  {
    skips: (markdown) => /<[?!]/.test(markdown),
    why: '`<?`, `<!`: raw HTML (a processing instruction, a comment) that runs on to its end; the archive drops comments (README)',
  },
  {
    skips: (markdown) => /(?:www\.|:\/\/)[^\s<]*@/.test(markdown),
    why: 'a URL run into an e-mail address (`www.x.coma@b.org`): linkify-it and goldmark split it differently (oracle)',
  },
  {
    skips: (_markdown, html) => /<a [^>]*><\/a>/.test(html),
    why: 'an empty link keeps no space or line break next to it (README, what cannot round-trip)',
  },
  {
    skips: (_markdown, html) => /<(?:em|strong|s|del|a)\b[^>]*><br>|<br>\s*<\/(?:em|strong|s|del|a)>/.test(html),
    why: 'emphasis or a link that opens or closes on a line break: written as the break and text beside it',
  },
  {
    skips: (_markdown, html) => nesting(html) >= 3 || /<s>(?:(?!<\/s>)[\s\S])*<s>|<\/s><s>/.test(html),
    why: 'emphasis three deep in emphasis of its kind (two delimiters cannot tell three levels apart), strikethrough in or right after strikethrough (one delimiter; goldmark reads `~~a~~~~b~~` as one)',
  },
  {
    skips: (_markdown, html) => /(?:<(?:em|strong|s)>){3}|(?:<\/(?:em|strong|s)>){3}/.test(html),
    why: 'three emphasis delimiters at one edge (`_**_`) pair up otherwise when punctuation or a link follows',
  },
  {
    skips: (_markdown, html) => /<\/(em|strong)><\1><(?:em|strong)>|<\/(?:em|strong)><\/(em|strong)><\2>/.test(html),
    why: 'emphasis right after emphasis of its kind when either has emphasis at its edge (`**b**___x___`): the same',
  },
  {
    skips: (_markdown, html) => /<img [^>]*alt="[^"]*[\\[\]`]/.test(html),
    why: "an image alt with a backslash, bracket or backtick: goldmark writes the alt's escapes into it (README)",
  },
  {
    skips: (_markdown, html) => /<h([1-6])>(?:(?!<\/h\1>)[\s\S])*<br>/.test(html),
    why: 'a line break in a heading: the archive writes headings on one line (ATX) (README)',
  },
  {
    skips: (_markdown, html) => /<\/table>[^\S\n]*\n?[^<\s]/.test(html),
    why: 'lines a raw HTML block took in are bare text in the body: the archive writes them as a paragraph (README)',
  },
  {
    skips: (_markdown, html) => /<a href="#[^"]*"[^>]*>(?:<[^>]+>|\s)*[#¶§]?(?:<[^>]+>|\s)*<\/a>/u.test(html),
    why: 'an in-page link reading only `#`, `¶` or `§` is a heading anchor to the extractor: chrome (README)',
  },
  {
    skips: (_markdown, html) => INWORD_EMPHASIS.test(html.replace(/<\/?span>/g, '')),
    why: 'emphasis inside a word that opens or closes on punctuation, a link or code: its delimiter would need the letter beside it written as a character reference (README)',
  },
  {
    skips: (_markdown, html) =>
      /[\p{L}\p{N}]<(?:em|strong)>|<\/(?:em|strong)>[\p{L}\p{N}]/u.test(html) &&
      /<(em|strong)>(?:(?!<\/\1>)[\s\S])*<\1>|<\/(?:em|strong)><(?:em|strong)>/.test(html),
    why: '…or that holds emphasis of its kind or touches emphasis: both want the delimiter that works inside a word',
  },
  { skips: (_markdown, html) => SIDE_BY_SIDE.test(html), why: 'see SIDE_BY_SIDE (README)' },
  {
    skips: (_markdown, html) =>
      /(?<!<(?:em|strong)><code>) <\/code><\/(?:a|em|strong|s|del)>|<(?:a|em|strong|s|del)\b[^>]*><code> (?!<\/code><\/(?:em|strong)>)|\s(?:<img [^>]*>)+<\/(?:a|em|strong|s|del)>|<(?:a|em|strong|s|del)\b[^>]*>(?:<img [^>]*>)+\s/.test(
        html,
      ),
    why: 'a code span with a space at the edge of a link or emphasis (not emphasis of one blank code span: written as it is), or an image between a space and that edge: turndown reads the edge from the text alone and puts a space outside too (README)',
  },
];

/** Why a random document is skipped, or undefined when its body must come back. */
export function skipReason(markdown: string): string | undefined {
  // Raw <b> and <i> read as the archive writes them (strong, emphasis).
  const html = render(`${markdown}\n`)
    .replace(/<(\/?)b>/g, '<$1strong>')
    .replace(/<(\/?)i>/g, '<$1em>');
  return SKIPS.find((skip) => skip.skips(markdown, html))?.why;
}
