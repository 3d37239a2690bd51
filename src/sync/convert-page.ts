import { extractPage, type Extracted, type PageHints } from '../extract/extract.js';
import { htmlToMarkdown } from '../convert/convert.js';
import { compareData, type CompareData } from '../dedupe/index.js';

/** One page to extract and convert: plain data, so it can cross to a worker thread. */
export interface ConvertJob {
  html: string;
  url: string;
  hints: PageHints;
}

/** The extracted page (its content HTML dropped once converted) and, for a post, its Markdown and the body's comparison data. */
export interface Converted {
  extracted: Extracted;
  markdown?: string;
  compare?: CompareData;
}

/** Extract → convert for one page. Pure CPU work: the part of a sync worth moving off the main thread. */
export function convertPage({ html, url, hints }: ConvertJob): Converted {
  const extracted = extractPage(html, url, hints);
  if (extracted.kind !== 'post') return { extracted };
  const markdown = htmlToMarkdown(extracted.contentHtml, extracted.url);
  // The body as toPost writes it: comparing it is CPU work too, and belongs here.
  return { extracted: { ...extracted, contentHtml: '' }, markdown, compare: compareData(`\n${markdown}`) };
}
