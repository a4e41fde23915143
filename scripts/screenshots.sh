#!/usr/bin/env bash
# Regenerate the README screenshots from a real run: a local Prefect server, the demo against
# it, and headless Chromium (Debian's `chromium` package) photographing the Prefect UI.
#   bash scripts/screenshots.sh            # writes docs/images/*.png (OUT=dir: elsewhere)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${PORT:-4299}
OUT=${OUT:-docs/images}
mkdir -p "$OUT"
command -v chromium >/dev/null || { echo "needs chromium: apt-get install chromium" >&2; exit 2; }

HOME_DIR=$(mktemp -d)
export PREFECT_HOME="$HOME_DIR" PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_API_URL="http://127.0.0.1:$PORT/api"
"$BIN/prefect" server start --host 127.0.0.1 --port "$PORT" >"$HOME_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$HOME_DIR"' EXIT
for _ in $(seq 1 120); do curl -sf "$PREFECT_API_URL/health" >/dev/null && break; sleep 1; done

"$BIN/resync-flows" demo --data-dir "$HOME_DIR/demo" >"$HOME_DIR/demo.log" 2>&1

shoot() {  # shoot NAME URL-PATH [HEIGHT]
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$HOME_DIR/chrome" --window-size=1400,"${3:-1000}" \
    --virtual-time-budget=30000 --screenshot="$OUT/$1.png" "http://127.0.0.1:$PORT$2" 2>/dev/null
}
# The newest incident report and the nightly reports (artifact pages by id render the body).
artifact_id() {
  curl -sf -X POST "$PREFECT_API_URL/artifacts/filter" -H 'Content-Type: application/json' \
    -d '{"limit": 200, "sort": "CREATED_DESC"}' | "$BIN/python" -c \
    'import json,sys; p=sys.argv[1]; print(next(a["id"] for a in json.load(sys.stdin) if (a.get("key") or "").startswith(p)))' "$1"
}
shoot incident-artifact "/artifacts/artifact/$(artifact_id incident-)"
shoot capacity-report "/artifacts/artifact/$(artifact_id capacity-report)"
shoot maintenance-report "/artifacts/artifact/$(artifact_id maintenance-report)"
# The runtime trends end the maintenance report: a tall shot, cut to their first charts.
shoot maintenance-tall "/artifacts/artifact/$(artifact_id maintenance-report)" 8000
"$BIN/python" scripts/crop_charts.py "$OUT/maintenance-tall.png" "$OUT/maintenance-runtime-trends.png" \
  || echo "the maintenance report has no runtime chart to show" >&2
rm -f "$OUT/maintenance-tall.png"
shoot learning-report "/artifacts/artifact/$(artifact_id learning-report)"
shoot flow-runs "/runs"
echo "wrote $(ls "$OUT")"
