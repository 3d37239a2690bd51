import type { RawEntry } from './manifest.js';
import type { RawStore } from './store.js';

/** A stored page as `cabsync reprocess` meets it: what the fetch knew, and its body on demand. */
export interface StoredPage extends RawEntry {
  /** Reads and checks the body (a `RawStoreError` names a missing or damaged blob). */
  read(): Promise<string>;
}

/**
 * Every stored page with a successful status, in URL order, for re-running extract → convert →
 * dedupe without the network. Bodies are read lazily so a large store is never held in memory.
 *
 * @example
 * for (const page of storedPages(store)) {
 *   const extracted = extractPage(await page.read(), page.finalUrl);
 * }
 */
export function storedPages(store: RawStore): StoredPage[] {
  return store
    .entries()
    .filter((entry) => entry.status >= 200 && entry.status < 300)
    .map((entry) => ({ ...entry, read: () => store.get(entry.hash) }));
}
