import { toArchiveDate } from '../extract/dates.js';
import { readXml, textOf, listOf } from './xml.js';
import { compact } from './compact.js';

/** One feed item, with what it tells about the post. */
export interface FeedItem {
  link: string;
  title?: string;
  /** Full publication time, ISO 8601 UTC. */
  date?: string;
  tags?: string[];
  description?: string;
}

export type FeedResult = { ok: true; items: FeedItem[] } | { ok: false; reason: string };

/** Reads an RSS 2.0 feed (what Hugo writes) or an Atom feed. */
export function parseFeed(xml: string): FeedResult {
  const read = readXml(xml);
  if (!read.ok) return read;
  const rss = read.doc['rss'] as Record<string, unknown> | undefined;
  if (rss !== undefined && typeof rss === 'object' && 'channel' in rss) {
    // An empty <channel/> parses to '', not an object.
    const channel = (typeof rss['channel'] === 'object' ? rss['channel'] : {}) as Record<string, unknown>;
    return {
      ok: true,
      items: listOf(channel['item'])
        .map((item) => rssItem(item as Record<string, unknown>))
        .filter(hasLink),
    };
  }
  const atom = read.doc['feed'] as Record<string, unknown> | undefined;
  if (atom)
    return {
      ok: true,
      items: listOf(atom['entry'])
        .map((entry) => atomEntry(entry as Record<string, unknown>))
        .filter(hasLink),
    };
  return { ok: false, reason: 'not a feed: no <rss><channel> or <feed> root' };
}

function hasLink(item: FeedItem): boolean {
  return item.link !== '';
}

function rssItem(item: Record<string, unknown>): FeedItem {
  const link = textOf(listOf(item['link'])[0]) ?? textOf(item['guid']) ?? '';
  const tags = listOf(item['category'])
    .map(textOf)
    .filter((tag): tag is string => tag !== undefined);
  return compact({
    link,
    title: textOf(item['title']),
    date: toIsoTime(textOf(item['pubDate'])),
    tags: tags.length > 0 ? tags : undefined,
    description: textOf(item['description']),
  });
}

function atomEntry(entry: Record<string, unknown>): FeedItem {
  const links = listOf(entry['link']) as Record<string, unknown>[];
  const alternate = links.find((link) => link['@rel'] === undefined || link['@rel'] === 'alternate');
  return compact({
    link: typeof alternate?.['@href'] === 'string' ? alternate['@href'] : '',
    title: textOf(entry['title']),
    date: toIsoTime(textOf(entry['published']) ?? textOf(entry['updated'])),
    description: textOf(entry['summary']),
  });
}

/** RFC 822 (`Thu, 03 Nov 2022 17:00:00 +0000`) or ISO time → ISO 8601 UTC; unparsable → undefined. */
export function toIsoTime(text: string | undefined): string | undefined {
  // One date reader for the whole tool: V8's own parser takes the year 0001 (Hugo's zero date) for 2001.
  const archived = text === undefined ? undefined : toArchiveDate(text);
  return archived === undefined ? undefined : `${archived.replace(' ', 'T')}.000Z`;
}
