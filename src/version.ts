import { readFileSync } from 'node:fs';

// package.json sits two levels up from both src/ (tsx) and dist/src/ (built); look in both places.
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'cabsync' && pkg.version) return pkg.version;
    } catch {
      // Try the next location.
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
export const USER_AGENT = `cabsync/${VERSION} (+https://github.com/cabsync/cabsync)`;
