import { STATUS_CODES } from 'node:http';
import { basename } from 'node:path';
import { WARCRecord, WARCSerializer } from 'warcio';
import { WriteError } from '../errors.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from '../write/atomic.js';
import type { RawEntry } from './manifest.js';
import type { RawStore } from './store.js';

const WARC_VERSION = 'WARC/1.1';

/** One HTTP response for a `response` record: what was fetched from `url`, when, and its bytes. */
export interface WarcResponse {
  url: string;
  /** ISO 8601. */
  date: string;
  status: number;
  httpHeaders: Record<string, string>;
  body: Uint8Array;
}

/** What {@link exportWarc} wrote. */
export interface WarcExport {
  file: string;
  /** `response` records (the `warcinfo` record is not counted). */
  responses: number;
}

/**
 * Writes every stored page as a WARC 1.1 file, one gzip member per record (`.warc.gz` layout):
 * a `warcinfo` record, then one `response` record per stored body, in URL order, then one per
 * response of `more` (the attachments, as served). The file is written atomically. Missing or
 * damaged blobs are a `RawStoreError` naming the blob.
 *
 * @example
 * await exportWarc(await openRawStore(rawDir('./archive')), 'cabforum.warc.gz');
 */
export async function exportWarc(
  store: RawStore,
  file: string,
  more: AsyncIterable<WarcResponse> | Iterable<WarcResponse> = [],
): Promise<WarcExport> {
  const info = WARCRecord.createWARCInfo(
    { filename: basename(file), warcVersion: WARC_VERSION },
    {
      software: `cabsync/${VERSION}`,
      format: 'WARC File Format 1.1',
      conformsTo: 'https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/',
      description: 'post pages kept by cabsync --keep-raw, and files mirrored by --attachments',
    },
  );
  const chunks: Uint8Array[] = [await WARCSerializer.serialize(info, { gzip: true })];
  for (const entry of responseEntries(store.entries())) {
    const body = Buffer.from(await store.get(entry.hash), 'utf8');
    chunks.push(await WARCSerializer.serialize(responseRecord(entry, body), { gzip: true }));
  }
  for await (const response of more)
    chunks.push(await WARCSerializer.serialize(httpResponseRecord(response), { gzip: true }));
  try {
    await writeFileAtomic(file, Buffer.concat(chunks));
  } catch (error) {
    throw new WriteError(file, error);
  }
  return { file, responses: chunks.length - 1 };
}

/** One `response` record: the HTTP status line and headers as far as they are known, then the body. */
function responseRecord(entry: RawEntry, body: Uint8Array): WARCRecord {
  const httpHeaders: Record<string, string> = {
    'Content-Type': utf8ContentType(entry.contentType),
    'Content-Length': String(body.byteLength),
  };
  if (entry.etag) httpHeaders.ETag = entry.etag;
  if (entry.lastModified) httpHeaders['Last-Modified'] = entry.lastModified;
  // The body is what the server sent for the URL after redirects.
  return httpResponseRecord({ url: entry.finalUrl, date: entry.fetchedAt, status: entry.status, httpHeaders, body });
}

/** A `response` record for any HTTP response. */
function httpResponseRecord(response: WarcResponse): WARCRecord {
  return WARCRecord.create(
    {
      url: response.url,
      date: new Date(response.date).toISOString(),
      type: 'response',
      warcVersion: WARC_VERSION,
      statusline: `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}`.trimEnd(),
      httpHeaders: response.httpHeaders,
    },
    [response.body],
  );
}

// Several requested URLs can end at one final URL with one body: one record is enough.
function responseEntries(entries: RawEntry[]): RawEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.finalUrl} ${entry.hash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The store keeps decoded text as UTF-8, so the header must say so whatever the server said. */
export function utf8ContentType(contentType: string | undefined): string {
  const type = (contentType ?? 'text/html').split(';')[0]!.trim() || 'text/html';
  return `${type}; charset=utf-8`;
}
