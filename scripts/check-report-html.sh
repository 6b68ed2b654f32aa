#!/usr/bin/env bash
# Checks a report page (report.html or compare.html) in a real headless browser:
#   scripts/check-report-html.sh REPORT.html [SCREENSHOT.png] [MIN_CHARTS]
# Installs Debian's chromium if it is missing (apt-get; idempotent), loads the
# page offline, and fails if
#   - the page refers to anything outside itself (scripts, styles, fonts, images),
#   - the browser logs a script or console error,
#   - the rendered DOM has fewer SVG charts than the file (or than MIN_CHARTS),
#   - no screenshot could be taken.
# The screenshot (default: REPORT.png beside the page, 1280 px wide) is for a
# person to look at. Exit code 0 when every check passes, 1 otherwise.
set -euo pipefail

page=${1:?usage: scripts/check-report-html.sh REPORT.html [SCREENSHOT.png] [MIN_CHARTS]}
[ -f "$page" ] || { echo "check-report-html: no such file: $page" >&2; exit 1; }
page=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
shot=${2:-${page%.html}.png}
min_charts=${3:-1}
height=${QTSIM_SCREENSHOT_HEIGHT:-5000}

if ! command -v chromium >/dev/null; then
  echo "check-report-html: installing chromium (Debian package)" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "check-report-html: need root to install chromium" >&2; exit 1; }
    sudo="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq >/dev/null
  $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

fail=0
problem() { echo "check-report-html: FAIL: $*" >&2; fail=1; }

# 1. Self-contained: no external scripts, stylesheets, fonts or images.
if grep -Eqi '<script|<link |<img |<iframe|@import|url\((["'"'"']?)(https?:|//)|(src|href)="(https?:|//)' "$page"; then
  problem "$page refers to external resources or has scripts:"
  grep -Eoi '<script[^>]*>|<link [^>]*>|<img [^>]*>|@import[^;]*|url\([^)]*\)|(src|href)="(https?:|//)[^"]*"' "$page" | sort -u | head >&2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
browser() {
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --no-default-browser-check --hide-scrollbars \
    --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 "$@"
}

# 2. Rendered DOM and console.
browser --dump-dom "file://$page" >"$work/dom.html" 2>"$work/dom.log" || problem "chromium --dump-dom failed (log below)"
# 3. Screenshot.
rm -f "$shot"
browser --screenshot="$shot" --window-size=1280,"$height" "file://$page" >/dev/null 2>"$work/shot.log" ||
  problem "chromium --screenshot failed"

# Console messages and script errors are logged as CONSOLE lines; "Uncaught" marks a script error.
if grep -Eh 'CONSOLE|Uncaught|SyntaxError|ReferenceError|TypeError' "$work/dom.log" "$work/shot.log" >"$work/console.txt"; then
  problem "console output or script errors:"
  cat "$work/console.txt" >&2
fi

in_file=$(grep -o '<svg ' "$page" | wc -l)
in_dom=$(grep -o '<svg ' "$work/dom.html" | wc -l)
titled=$(grep -o '<svg [^>]*role="img"' "$work/dom.html" | wc -l)
bars=$(grep -o '<rect ' "$work/dom.html" | wc -l)
[ "$in_dom" -ge 1 ] || problem "the rendered page has no SVG chart"
[ "$in_dom" -eq "$in_file" ] || problem "the file has $in_file SVG charts, the rendered page $in_dom"
[ "$in_dom" -ge "$min_charts" ] || problem "expected at least $min_charts SVG charts, found $in_dom"
[ "$titled" -eq "$in_dom" ] || problem "$((in_dom - titled)) SVG charts lack role=\"img\" (accessible name)"
[ "$bars" -gt "$in_dom" ] || problem "the charts have no bars"
grep -q '</html>' "$work/dom.html" || problem "the DOM dump is incomplete"
if [ -f "$shot" ]; then
  size=$(stat -c %s "$shot")
  [ "$size" -gt 10000 ] || problem "the screenshot $shot is only $size bytes"
else
  problem "no screenshot written"
fi

if [ "$fail" -ne 0 ]; then
  echo "--- chromium log (dump-dom) ---" >&2
  tail -20 "$work/dom.log" >&2 || true
  exit 1
fi
echo "check-report-html: OK: $page: $in_dom SVG charts rendered ($bars rects), no console errors, self-contained; screenshot $shot"
