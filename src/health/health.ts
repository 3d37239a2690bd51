import { CHROME_RULES } from '../extract/chrome-rules.js';
import { BODY_MEASURES, FIELD_EXPECTATIONS, OPTIONAL_CHROME, THRESHOLDS, type BodyMeasure } from './rules.js';

/** What the extractor said about one post page: where each field came from, what each chrome rule removed. */
export interface PageRecord {
  url: string;
  /** field → metadata source id, e.g. `{ date: 'article:published_time' }`. */
  sources: Partial<Record<string, string>>;
  /** chrome rule id → elements removed on this page. */
  chromeRemoved: Record<string, number>;
}

/** Input of {@link pageHealth}: the page record plus its new body and, if archived, the old one. */
export interface PageHealthInput extends PageRecord {
  /** The converted Markdown (a whole file with front matter is fine). */
  markdown: string;
  /** The archive's current version of the post, when there is one. */
  archivedMarkdown?: string;
}

/** Something wrong with one page. Under `--strict-health` such a page is not written. */
export type PageHealthIssue =
  | { kind: 'body-shrank'; measure: BodyMeasure['measure']; before: number; after: number; message: string }
  | { kind: 'body-emptied'; message: string }
  | { kind: 'weak-source'; field: string; source: string; expected: string[]; message: string };

/** Something wrong across the pages of one sync: the layout probably changed. */
export type HealthWarning =
  | { kind: 'chrome-rule-unmatched'; rule: string; matched: number; pages: number; message: string }
  | { kind: 'source-unmatched'; field: string; expected: string[]; matched: number; pages: number; message: string }
  | { kind: 'coverage'; listed: number; archived: number; missing: string[]; message: string };

/** The `health` section of a sync's JSON report. */
export interface HealthReport {
  warnings: HealthWarning[];
  /** Only pages with issues. */
  pages: { url: string; issues: PageHealthIssue[] }[];
}

/**
 * Checks one converted post page: fields taken from a fallback source, and a body that lost more
 * than a third of its words, links or table cells against the archived version.
 *
 * @example
 * pageHealth({ url, sources: { date: 'url-day' }, chromeRemoved: {}, markdown })
 * // → [{ kind: 'weak-source', field: 'date', source: 'url-day', expected: ['article:published_time'], … }]
 */
export function pageHealth(input: PageHealthInput): PageHealthIssue[] {
  return [
    ...weakSources(input.sources),
    ...(input.archivedMarkdown === undefined ? [] : bodyLosses(input.archivedMarkdown, input.markdown)),
  ];
}

function weakSources(sources: PageRecord['sources']): PageHealthIssue[] {
  const issues: PageHealthIssue[] = [];
  for (const { field, expected } of FIELD_EXPECTATIONS) {
    const source = sources[field];
    // A field with no source at all (a post without tags) is not a fallback.
    if (source === undefined || expected.some((id) => id === source)) continue;
    issues.push({
      kind: 'weak-source',
      field,
      source,
      expected: [...expected],
      message: `${field} came from ${source}, not ${expected.join(' or ')}`,
    });
  }
  return issues;
}

function bodyLosses(before: string, after: string): PageHealthIssue[] {
  // A body too short for the measures' minimums still must not vanish.
  if (after.trim() === '' && before.trim() !== '')
    return [{ kind: 'body-emptied', message: 'body is empty where the archive has one' }];
  const issues: PageHealthIssue[] = [];
  for (const { measure, count, minBefore } of BODY_MEASURES) {
    const old = count(before);
    const now = count(after);
    if (old < minBefore || (old - now) / old <= THRESHOLDS.maxLoss) continue;
    const lost = Math.round(((old - now) / old) * 100);
    issues.push({
      kind: 'body-shrank',
      measure,
      before: old,
      after: now,
      message: `body lost ${lost}% of its ${measure} against the archive (${old} → ${now})`,
    });
  }
  return issues;
}

/** The issues that hold a page back by default: it would shrink or empty an archived post. */
export function shrinkage(issues: readonly PageHealthIssue[]): PageHealthIssue[] {
  return issues.filter((issue) => issue.kind === 'body-shrank' || issue.kind === 'body-emptied');
}

/**
 * Checks the post pages of one sync together: a chrome rule (not declared optional) or a field's
 * expected metadata source that matched on fewer than half of them. Needs at least five pages.
 */
export function siteHealth(pages: readonly PageRecord[]): HealthWarning[] {
  if (pages.length < THRESHOLDS.minPages) return [];
  return [...chromeWarnings(pages), ...sourceWarnings(pages)];
}

function chromeWarnings(pages: readonly PageRecord[]): HealthWarning[] {
  const optional = new Set(OPTIONAL_CHROME.map((entry) => entry.rule));
  const ruleIds = new Set([...requiredChromeRules(), ...pages.flatMap((page) => Object.keys(page.chromeRemoved))]);
  const warnings: HealthWarning[] = [];
  for (const rule of [...ruleIds].filter((id) => !optional.has(id))) {
    const matched = pages.filter((page) => (page.chromeRemoved[rule] ?? 0) > 0).length;
    if (matched / pages.length >= THRESHOLDS.minShare) continue;
    warnings.push({
      kind: 'chrome-rule-unmatched',
      rule,
      matched,
      pages: pages.length,
      message: `chrome rule ${rule} removed something on only ${matched} of ${pages.length} post pages: the layout may have changed`,
    });
  }
  return warnings;
}

function sourceWarnings(pages: readonly PageRecord[]): HealthWarning[] {
  const warnings: HealthWarning[] = [];
  for (const { field, expected } of FIELD_EXPECTATIONS) {
    // Only pages that have the field at all: a post without tags says nothing about the Tags box.
    const withField = pages.filter((page) => page.sources[field] !== undefined);
    if (withField.length < THRESHOLDS.minPages) continue;
    const matched = withField.filter((page) => expected.some((id) => id === page.sources[field])).length;
    if (matched / withField.length >= THRESHOLDS.minShare) continue;
    warnings.push({
      kind: 'source-unmatched',
      field,
      expected: [...expected],
      matched,
      pages: withField.length,
      message: `${field} came from ${expected.join(' or ')} on only ${matched} of ${withField.length} post pages: the layout may have changed`,
    });
  }
  return warnings;
}

/** The `health` report section: site warnings, and the pages that have issues. */
export function healthReport(pages: readonly (PageRecord & { issues: PageHealthIssue[] })[]): HealthReport {
  return {
    warnings: siteHealth(pages),
    pages: pages.filter((page) => page.issues.length > 0).map(({ url, issues }) => ({ url, issues })),
  };
}

/** A warning when the archive lacks posts the listing names: something was lost between the two. */
export function coverageWarning(coverage: {
  listed: number;
  archived: number;
  missing: string[];
}): HealthWarning | undefined {
  if (coverage.missing.length === 0) return undefined;
  const shown = coverage.missing.slice(0, 5).join(', ');
  const more = coverage.missing.length > 5 ? `, and ${coverage.missing.length - 5} more` : '';
  return {
    kind: 'coverage',
    ...coverage,
    message: `the listing names ${coverage.listed} posts but the archive has ${coverage.archived} of them; missing: ${shown}${more}`,
  };
}

/** Summary lines, site warnings first: `health: …`. Empty when all is well. */
export function formatHealth(report: HealthReport): string[] {
  return [
    ...report.warnings.map((warning) => `health: ${warning.message}`),
    ...report.pages.flatMap(({ url, issues }) => issues.map((issue) => `health: ${url}: ${issue.message}`)),
  ];
}

/**
 * Required chrome rules (not declared optional) that removed nothing on this one page. Under
 * `--strict-health` such a page is held back: chrome the extractor no longer recognizes would
 * otherwise be written into the archive as content.
 */
export function chromeMisses(page: PageRecord): string[] {
  return requiredChromeRules().filter((id) => (page.chromeRemoved[id] ?? 0) === 0);
}

/** Ids of the chrome table's rules that are expected to match on every post page. */
function requiredChromeRules(): string[] {
  const optional = new Set(OPTIONAL_CHROME.map((entry) => entry.rule));
  return Object.values(CHROME_RULES)
    .flatMap((rules) => rules.map((rule) => rule.id))
    .filter((id) => !optional.has(id));
}
