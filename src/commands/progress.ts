import type { Progress } from '../sync/run.js';

/** A one-line progress display on stderr when it is a TTY; nothing under cron. */
export function progressPrinter(stream: NodeJS.WriteStream = process.stderr): {
  update: (p: Progress) => void;
  done: () => void;
} {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let shown = false;
  const draw = (p: Progress) => {
    stream.write(`\r\x1b[2Kdiscovered ${p.discovered}  fetched ${p.fetched}  written ${p.written}  failed ${p.failed}`);
    shown = true;
  };
  return {
    update: (p) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      draw(p);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
