import { parse, stringify, YAMLParseError } from 'yaml';

/**
 * Front matter of an archive post. The known keys are typed; any other key
 * is kept as read, in its original position, so a rewrite never drops it.
 */
export interface FrontMatter {
  aliases?: string[];
  author?: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  date?: string;
  tags?: string[];
  title?: string;
  type?: string;
  [key: string]: unknown;
}

/** One archive file: its front matter and the Markdown after the closing `---` line, byte for byte. */
export interface Post {
  frontMatter: FrontMatter;
  /** Everything after the closing `---\n`, including the leading blank line and (if any) the final newline. */
  body: string;
}

/** The order new files use; keys read from a file keep that file's order. */
export const FRONT_MATTER_ORDER = ['aliases', 'author', 'date', 'description', 'tags', 'title', 'type'] as const;

// The archive's style: `- item` at column 0, no folding, YAML 1.2 (so a date stays a plain string).
const YAML_OPTIONS = { indentSeq: false, lineWidth: 0, minContentWidth: 0, version: '1.2' } as const;

export type ParseResult = { ok: true; post: Post } | { ok: false; reason: string };

const OPENING = '---\n';
const CLOSING = /^---[ \t]*$/m;

/** Parses the text of an archive file. Never throws: a bad file is a reason. */
export function parsePost(text: string): ParseResult {
  if (!text.startsWith(OPENING)) return { ok: false, reason: 'no front matter (file does not start with ---)' };
  const rest = text.slice(OPENING.length);
  const close = CLOSING.exec(rest);
  if (!close) return { ok: false, reason: 'front matter is not closed by a --- line' };
  const yamlText = rest.slice(0, close.index);
  let afterClose = close.index + close[0].length;
  if (rest[afterClose] === '\n') afterClose += 1;
  let data: unknown;
  try {
    // A copy, so the parsed values do not keep the whole file's text alive (V8 sliced strings).
    data = parse(Buffer.from(yamlText).toString(), { version: '1.2', uniqueKeys: true, prettyErrors: false });
  } catch (error) {
    const message = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `invalid YAML in front matter: ${message}` };
  }
  if (data === null || data === undefined) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) return { ok: false, reason: 'front matter is not a mapping' };
  return { ok: true, post: { frontMatter: data as FrontMatter, body: rest.slice(afterClose) } };
}

/** Writes a post in the archive's format. An unchanged parsed post gives back its original bytes. */
export function serializePost(post: Post): string {
  const yamlText = Object.keys(post.frontMatter).length === 0 ? '' : stringify(post.frontMatter, YAML_OPTIONS);
  return `${OPENING}${yamlText}---\n${post.body}`;
}

/** Orders front matter keys: known keys in archive order first, then the rest as given. */
export function orderFrontMatter(frontMatter: FrontMatter): FrontMatter {
  const ordered: FrontMatter = {};
  for (const key of FRONT_MATTER_ORDER) if (frontMatter[key] !== undefined) (ordered as Record<string, unknown>)[key] = frontMatter[key];
  for (const [key, value] of Object.entries(frontMatter)) if (!(key in ordered) && value !== undefined) ordered[key] = value;
  return ordered;
}
