#!/usr/bin/env bash
# The scheduled sync's own commands, kept out of the workflow file so a test can run them against the
# fixture site: sync (posts and the files they link), commit the archive when it changed (summary as the
# commit body), write the summary to the job summary page, then exit with the sync's code, so URL failures
# fail the run only after everything else is committed.
#
# Environment: CABSYNC_SITE (default https://cabforum.org), CABSYNC_ARCHIVE (default archive),
# CABSYNC_REPORT (where to copy the JSON report, default cabsync-report.json), CABSYNC_FLAGS (extra flags),
# CABSYNC_MAX_ATTACHMENT_SIZE (default 50MB: under GitHub's 100 MB limit for one file),
# GITHUB_STEP_SUMMARY (set by GitHub Actions: the summary is appended there).
set -uo pipefail
cd "$(git rev-parse --show-toplevel)"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="node $here/../dist/src/cli.js"
site="${CABSYNC_SITE:-https://cabforum.org}"
archive="${CABSYNC_ARCHIVE:-archive}"
report="${CABSYNC_REPORT:-cabsync-report.json}"

# shellcheck disable=SC2086
$cli sync --site "$site" --archive "$archive" --attachments --max-attachment-size "${CABSYNC_MAX_ATTACHMENT_SIZE:-50MB}" \
  --json ${CABSYNC_FLAGS:-} > "$report"
status=$?

id="$(node -e 'try { console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).id) } catch {}' "$report")"
if [ -n "$id" ]; then
  summary="$($cli report "$id" --archive "$archive")"
else
  summary="The sync stopped before writing its report (exit $status): see the run's log."
fi
# The job's summary page: what changed, held back and failed, without opening the logs.
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  printf '## Sync of %s\n\n%s\n' "$site" "$summary" >> "$GITHUB_STEP_SUMMARY"
fi
if [ "$status" -ge 2 ]; then
  echo "cabsync sync failed with exit code $status" >&2
  exit "$status"
fi

# Posts and the mirrored files (with their manifest) are the archive; .cabsync is tool state, cached instead.
paths=("$archive/posts")
if [ -d "$archive/files" ]; then paths+=("$archive/files"); fi
git add -- "${paths[@]}"
if git diff --cached --quiet -- "${paths[@]}"; then
  echo "archive unchanged: nothing to commit"
else
  git -c user.name="${GIT_AUTHOR_NAME:-cabsync}" -c user.email="${GIT_AUTHOR_EMAIL:-cabsync@users.noreply.github.com}" \
    commit --quiet -m "Sync $site" -m "$summary"
  echo "committed: $(git log -1 --format=%h)"
fi
exit "$status"
