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
  /** True when the selector has a `:has()`: its match can change when a descendant is removed. */
  looksDown: boolean;
  /**
   * What a match must carry, one key per alternative, taken from its subject (the last compound):
   * its id, else a class, else its tag name. Undefined when an alternative names none of the three
   * (`[data-x]`, `:is(…)`): then every element is a candidate. A browser buckets rules the same way.
   */
  keys?: readonly SubjectKey[];
  /** {@link test} that first rules out, without css-select, an element that carries none of the {@link keys}. */
  readonly quickTest: (element: Element) => boolean;
}

/** The id, class or tag name a subject compound requires. */
export type SubjectKey = { kind: 'id' | 'class' | 'tag'; name: string };

// A combinator outside parentheses: ` `, `>`, `+`, `~` between compounds (a `,` list is not one).
const COMBINATOR = /[\s>+~]/;
// A compound of the outline made only of what a key can be read from: a tag (or *), then ids,
// classes, attribute and pseudo-class parts. Anything else (escapes, non-ASCII names) yields no key.
const SIMPLE_COMPOUND = /^(?<tag>[A-Za-z][\w-]*|\*)?(?:[.#][A-Za-z_-][\w-]*|\[\]|::?[\w-]+)*$/;

/** A query for `selector` (css-select, the engine cheerio uses, with cheerio's HTML options), compiled when first tested. */
export function compileQuery(selector: string): Query {
  const alternatives = outline(selector).split(',').map((part) => part.trim());
  const keys = alternatives.map((part) => subjectKey(part.split(COMBINATOR).pop()!));
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
      return (quick ??= alternatives.some((part) => /[+~]/.test(part)) || query.keys === undefined ? query.test : keyed(query.keys, query.test));
    },
    looksUp: alternatives.some((part) => COMBINATOR.test(part)),
    looksDown: /:has\(/i.test(selector),
    ...(keys.every((key) => key !== undefined) && { keys }),
  };
  return query;
}

// css-select compares tag names lower-cased (HTML), ids and classes as written (no quirks mode).
function subjectKey(compound: string): SubjectKey | undefined {
  const match = SIMPLE_COMPOUND.exec(compound);
  if (!match) return undefined;
  const id = /#([A-Za-z_-][\w-]*)/.exec(compound)?.[1];
  if (id !== undefined) return { kind: 'id', name: id };
  const className = /\.([A-Za-z_-][\w-]*)/.exec(compound)?.[1];
  if (className !== undefined) return { kind: 'class', name: className };
  const tag = match.groups?.tag;
  return tag === undefined || tag === '*' ? undefined : { kind: 'tag', name: tag.toLowerCase() };
}

// A class list holds `name` as css-select's `~=` reads it: a token between JavaScript whitespace.
// Scanned in place: splitting every class attribute of a page costs more than the queries saved.
function hasClass(list: string, name: string): boolean {
  for (let at = list.indexOf(name); at !== -1; at = list.indexOf(name, at + 1)) {
    const end = at + name.length;
    if ((at === 0 || /\s/.test(list[at - 1]!)) && (end === list.length || /\s/.test(list[end]!))) return true;
  }
  return false;
}

function carries(element: Element, key: SubjectKey): boolean {
  if (key.kind === 'tag') return element.name === key.name;
  if (key.kind === 'id') return element.attribs.id === key.name;
  const list = element.attribs.class;
  return list !== undefined && hasClass(list, key.name);
}

function keyed(keys: readonly SubjectKey[], test: (element: Element) => boolean): (element: Element) => boolean {
  return (element) => {
    for (const key of keys) if (carries(element, key)) return test(element);
    return false;
  };
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

/** Queries to run together by {@link queryEach}, bucketed by the keys a match must carry. Made once per list. */
export interface QuerySet {
  queries: readonly Query[];
  /** Positions in `queries` of those with an alternative that has no key: tried on every element. */
  any: readonly number[];
  tag: ReadonlyMap<string, readonly number[]>;
  id: ReadonlyMap<string, readonly number[]>;
  class: ReadonlyArray<readonly [string, readonly number[]]>;
}

export function querySet(queries: readonly Query[]): QuerySet {
  const any: number[] = [];
  const buckets = { tag: new Map<string, number[]>(), id: new Map<string, number[]>(), class: new Map<string, number[]>() };
  queries.forEach((query, position) => {
    if (query.keys === undefined) return void any.push(position);
    for (const key of query.keys) {
      const bucket = buckets[key.kind].get(key.name) ?? [];
      if (!bucket.includes(position)) bucket.push(position);
      buckets[key.kind].set(key.name, bucket);
    }
  });
  return { queries, any, tag: buckets.tag, id: buckets.id, class: [...buckets.class] };
}

/**
 * {@link queryAll} for several queries in one walk: each query's elements, in document order.
 * Walking once costs less than one walk per query, and each element is tried only on the queries
 * whose keys it carries (see {@link Query.keys}).
 */
export function queryEach(set: QuerySet, root: AnyNode): Map<Query, Element[]> {
  const { queries } = set;
  const found = queries.map((): Element[] => []);
  // An element can reach a query through several buckets: `tried[i] === visit` once it was tried.
  const tried = new Uint32Array(queries.length);
  let visit = 0;
  const tryOn = (element: Element, positions: readonly number[] | undefined): void => {
    if (positions === undefined) return;
    for (const position of positions) {
      if (tried[position] === visit) continue;
      tried[position] = visit;
      if (queries[position]!.test(element)) found[position]!.push(element);
    }
  };
  selectAll((element: Element) => {
    visit += 1;
    tryOn(element, set.any);
    tryOn(element, set.tag.get(element.name));
    const { id, class: list } = element.attribs;
    if (id !== undefined) tryOn(element, set.id.get(id));
    if (list !== undefined) for (const [name, positions] of set.class) if (hasClass(list, name)) tryOn(element, positions);
    return false;
  }, root);
  return new Map(queries.map((query, position) => [query, found[position]!]));
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
