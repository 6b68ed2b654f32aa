#!/usr/bin/env bash
# The project stands alone: no tracked file may cite the notes outside the
# repository (the parent folder's shared/ notes, their design and cost
# documents), and the user documents (README.md, docs/) name no tracker issue.
# Skipped (exit 77) outside a git checkout, e.g. in an unpacked tarball.
# Usage: check_standalone.sh SOURCE_DIR
set -uo pipefail
top=${1:?usage: check_standalone.sh SOURCE_DIR}
if ! git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "skipped: $top is not a git checkout (nothing to list the tracked files)"
  exit 77
fi
status=0
# The patterns are escaped so that this file does not match itself.
outside=$(git -C "$top" grep -n -I -E '\.\./shared|DESIGN\.md|COSTS\.md')
if [ -n "$outside" ]; then
  echo "error: tracked files cite documents outside the repository (users do not have them;"
  echo "cite the primary source instead: paper, table, page):"
  echo "$outside"
  status=1
fi
issues=$(git -C "$top" grep -n -I -i -E '\bissues? ?#?[0-9]+' -- README.md docs)
if [ -n "$issues" ]; then
  echo "error: user documents name tracker issues (readers do not have the tracker):"
  echo "$issues"
  status=1
fi
[ "$status" = 0 ] && echo "ok: no tracked file cites outside documents; no tracker issue in README.md or docs/"
exit "$status"
