import robotsParserModule from 'robots-parser';

// robots-parser is CommonJS whose typings declare an ES default export; at runtime the default import is the function.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** What robots.txt allows this crawler, and how slowly it asks us to go. */
export interface RobotsRules {
  /** Why robots.txt forbids `url`, or undefined. */
  refusal(url: URL): string | undefined;
  /** Crawl-delay for our user agent (or `*`), in ms. */
  crawlDelayMs?: number;
}

export const ALLOW_ALL: RobotsRules = { refusal: () => undefined };

/** Rules from a robots.txt body; groups match the first word of the User-Agent (`cabsync`). */
export function parseRobots(text: string, robotsUrl: string, userAgent: string): RobotsRules {
  const robots = robotsParser(robotsUrl, text);
  const delay = robots.getCrawlDelay(userAgent);
  const refusal = (url: URL): string | undefined =>
    robots.isDisallowed(url.href, userAgent) === true
      ? `disallowed by robots.txt (line ${robots.getMatchingLineNumber(url.href, userAgent)})`
      : undefined;
  return typeof delay === 'number' && delay > 0 ? { refusal, crawlDelayMs: Math.round(delay * 1000) } : { refusal };
}

/**
 * Rules for a robots.txt that could not be read, per RFC 9309 §2.3.1: a 4xx means "no rules";
 * a 5xx or network failure (after retries) means "assume everything disallowed" until it answers.
 */
export function rulesForUnreadable(status: number | undefined, error: string): RobotsRules {
  if (status !== undefined && status >= 400 && status < 500) return ALLOW_ALL;
  return { refusal: () => `robots.txt unavailable (${error}); RFC 9309 says to crawl nothing until it answers` };
}
