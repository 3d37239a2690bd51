// temporary: serve N posts (+150 new) and pre-write the archive, for profiling by hand
import { startFixtureSite } from '../fixtures/site/server.js';
import { syntheticPosts } from '../fixtures/site/synthetic.js';
import { writeArchive } from './archive.js';
const n = Number(process.argv[2]);
const all = syntheticPosts(n + 150);
const site = await startFixtureSite({ posts: all, latencyMs: Number(process.argv[4] ?? 20), idleTimeoutMs: 1_800_000 });
await writeArchive(process.argv[3]!, all.slice(150), site.url);
console.log(site.url);
