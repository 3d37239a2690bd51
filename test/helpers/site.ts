import { afterEach } from 'vitest';
import { startFixtureSite, type FixtureSite, type FixtureSiteOptions } from '../../fixtures/site/server.js';

const sites: FixtureSite[] = [];

/** A fixture site on 127.0.0.1, closed after the test. */
export async function fixtureSite(options: FixtureSiteOptions = {}): Promise<FixtureSite> {
  const site = await startFixtureSite({ idleTimeoutMs: 60_000, ...options });
  sites.push(site);
  return site;
}

afterEach(async () => {
  while (sites.length > 0) await sites.pop()!.close();
});

/** Fetch settings that keep retries and politeness short in tests. */
export const FAST_FETCH = {
  rateMs: 0,
  retries: 3,
  baseRetryDelayMs: 5,
  maxRetryDelayMs: 50,
  maxRetryAfterMs: 1_000,
  connectTimeoutMs: 2_000,
  headersTimeoutMs: 2_000,
  bodyTimeoutMs: 2_000,
};
