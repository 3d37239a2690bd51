// Loaded with `node --import` when /usr/bin/time is missing: prints the process's own resource usage
// (CPU in µs, maxRSS in KB) on stderr as it exits, for bench/child.ts to read.
process.on('exit', () => {
  process.stderr.write(`cabsync-bench-usage ${JSON.stringify(process.resourceUsage())}\n`);
});
