#!/bin/sh
# Rebuilds fixtures/hugo/public/ (committed) from the Hugo sources in fixtures/hugo/.
# Output is byte-identical from run to run: no git info, fixed dates everywhere, attachments made
# by code with no timestamps, no build lock left in the source tree.
set -eu
cd "$(dirname "$0")/.."
site=fixtures/hugo

hugo version | grep -q 'v0\.111\.' || echo "warning: public/ was made with Hugo 0.111; $(hugo version) may write other bytes" >&2

node "$site/make-attachments.mjs"
# HUGO_ENV would change nothing in our layouts, but pin it anyway: a stray "production" must not matter.
HUGO_ENV=development hugo --source "$site" --destination public --cleanDestinationDir \
  --enableGitInfo=false --noBuildLock --noTimes --noChmod --printPathWarnings --quiet
# Hugo makes an empty resources/_gen cache in the source tree even when no resource is processed.
find "$site/resources" -depth -type d -empty -delete 2>/dev/null || true
