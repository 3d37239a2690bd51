import { compile, selectAll, selectOne } from 'css-select';
import type { AnyNode, Element } from 'domhandler';

/**
 * A CSS selector compiled once, on first use. `$(selector)` and `.find(selector)` parse and
 * compile the selector on every call, which cost more than the queries themselves on every page;
 * compiling at load would cost every process that never extracts a page.
 */
export interface Query {
  selector: string;
  /** Same elements, same order as cheerio's `.find(selector)`, but see {@link queryAll}. */
  readonly test: (element: Element) => boolean;
  /** True when the selector has a combinator outside `:has()`: its match can depend on ancestors. */
  looksUp: boolean;
  /** Tag names a match can have, when every alternative names one (`nav, aside > div`); else undefined. */
  tags?: ReadonlySet<string>;
  /**
   * Tag names a match without a class or an id can have: alternatives that ask for a class or an id
   * (`.col, #search, nav`) cannot match such an element, and most of a page is such elements.
   * Undefined when an alternative asks for neither a tag, a class nor an id.
   */
  plainTags?: ReadonlySet<string>;
  /** {@link test} that first rules out, without css-select, an element the query cannot match. */
  readonly quickTest: (element: Element) => boolean;
}

// A combinator outside parentheses: ` `, `>`, `+`, `~` between compounds (a `,` list is not one).
const COMBINATOR = /[\s>+~]/;
const TAG_NAME = /^[A-Za-z][\w-]*/;

/** A query for `selector` (css-select, the engine cheerio uses, with cheerio's HTML options), compiled when first tested. */
export function compileQuery(selector: string): Query {
  const alternatives = outline(selector).split(',').map((part) => part.trim());
  // The subject is the last compound; its tag name, if it names one (HTML names compare lower-cased).
  const compounds = alternatives.map((part) => part.split(COMBINATOR).pop()!);
  const subjects = compounds.map((compound) => TAG_NAME.exec(compound)?.[0]?.toLowerCase());
  // Tag names of the alternatives whose subject asks for no class or id; undefined for one that asks for nothing of the three.
  const plain = compounds.filter((compound) => !/[.#]/.test(compound));
  const plainTags = plain.map((compound) => TAG_NAME.exec(compound)?.[0]?.toLowerCase());
  let compiled: Query['test'] | undefined;
  let quick: Query['quickTest'] | undefined;
  const query: Query = {
    selector,
    // The compiled function itself (not a wrapper): css-select reads properties it carries.
    get test() {
      return (compiled ??= compile<AnyNode, Element>(selector, { xmlMode: false }));
    },
    // Not behind a sibling combinator: css-select then walks siblings too, and reads that off the compiled function.
    get quickTest() {
      return (quick ??= alternatives.some((part) => /[+~]/.test(part)) || query.plainTags === undefined ? query.test : quickly(query.plainTags, query.test));
    },
    looksUp: alternatives.some((part) => COMBINATOR.test(part)),
    ...(subjects.every((tag) => tag !== undefined) && { tags: new Set(subjects) }),
    ...(plainTags.every((tag) => tag !== undefined) && { plainTags: new Set(plainTags) }),
  };
  return query;
}

const isPlain = (element: Element): boolean => element.attribs.class === undefined && element.attribs.id === undefined;

function quickly(plainTags: ReadonlySet<string>, test: (element: Element) => boolean): (element: Element) => boolean {
  return (element) => (!isPlain(element) || plainTags.has(element.name)) && test(element);
}

// The selector without quoted strings and the insides of `[…]` and `(…)`: what is left is compounds and combinators.
function outline(selector: string): string {
  let text = selector.replace(/"[^"]*"|'[^']*'/g, '""').replace(/\[[^\]]*\]/g, '[]');
  for (let inner = text.replace(/\([^()]*\)/g, ''); inner !== text; inner = text.replace(/\([^()]*\)/g, '')) text = inner;
  return text;
}

/**
 * Elements below `root` (not `root` itself) that match, in document order. Exactly cheerio's
 * `$(root).find(selector)` when `root` is the document, is detached, or the selector does not look
 * up: cheerio scopes a query on an attached element (`:scope` semantics), so there a selector that
 * looks up must go through cheerio.
 */
export function queryAll(query: Query, root: AnyNode): Element[] {
  return selectAll(query.quickTest, root);
}

/**
 * {@link queryAll} for several queries in one walk: each query's elements, in document order.
 * Walking once costs less than one walk per query.
 */
export function queryEach(queries: readonly Query[], root: AnyNode): Map<Query, Element[]> {
  const found = new Map<Query, Element[]>(queries.map((query) => [query, []]));
  // Only the queries that can match an element's tag name are tried on it, and on an element with
  // neither a class nor an id only those that can match one (see plainTags).
  const byTag = byTagName(queries, (query) => query.tags);
  const plainByTag = byTagName(queries, (query) => query.plainTags);
  selectAll((element: Element) => {
    const { named, any } = isPlain(element) ? plainByTag : byTag;
    for (const query of named.get(element.name) ?? any) if (query.test(element)) found.get(query)!.push(element);
    return false;
  }, root);
  return found;
}

// The queries to try on an element of each tag name (those naming it, and those naming none), and on any other element.
function byTagName(queries: readonly Query[], tagsOf: (query: Query) => ReadonlySet<string> | undefined): { named: Map<string, Query[]>; any: Query[] } {
  const any = queries.filter((query) => tagsOf(query) === undefined);
  const named = new Map<string, Query[]>();
  for (const query of queries) for (const tag of tagsOf(query) ?? []) named.set(tag, [...(named.get(tag) ?? any), query]);
  return { named, any };
}

/** The first element {@link queryAll} would give, or undefined. */
export function queryOne(query: Query, root: AnyNode): Element | undefined {
  return selectOne(query.quickTest, root) ?? undefined;
}

const ELEMENT_TYPES = new Set<string>(['tag', 'script', 'style']);

/** True when cheerio would scope a query on `root`: an element attached under another element. */
export function isScoped(root: AnyNode): boolean {
  return root.parent !== null && ELEMENT_TYPES.has(root.type) && ELEMENT_TYPES.has(root.parent.type);
}
