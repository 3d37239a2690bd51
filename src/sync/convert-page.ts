import { extractParsedPage, withoutBody, type Extracted, type PageHints } from '../extract/extract.js';
import { bodyMarkdown } from '../convert/markdown.js';
import { compareData, type CompareData } from '../dedupe/compare.js';
import { readListingJob } from '../discover/listing.js';

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
  const { page: extracted, body } = extractParsedPage(html, url, hints);
  if (extracted.kind !== 'post') return { extracted };
  const markdown = bodyMarkdown(extracted, body);
  // The body as toPost writes it: comparing it is CPU work too, and belongs here.
  return { extracted: withoutBody(extracted), markdown, compare: compareData(`\n${markdown}`) };
}

/**
 * What the worker threads do, by job kind: pure CPU work on plain data. Listing pages are read
 * there too: discovery reads hundreds while the threads have no post to convert yet.
 */
export const WORKER_JOBS = {
  page: convertPage,
  listing: readListingJob,
};

export type JobKind = keyof typeof WORKER_JOBS;
export type JobInput<K extends JobKind> = Parameters<(typeof WORKER_JOBS)[K]>[0];
export type JobOutput<K extends JobKind> = ReturnType<(typeof WORKER_JOBS)[K]>;
