#!/bin/sh
# Runs the seeds workflow on this folder's images in a fresh project, in one command:
#   examples/seeds-workflow/run.sh [THRESHOLD] [WEBHOOK_URL]
# AVIARY names the aviary executable (default: the debug build, built if needed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
threshold=${1:-0.5}
webhook=${2:-}
if [ -z "${AVIARY:-}" ]; then
    (cd "$here/../.." && swift build --product aviary >&2)
    AVIARY="$(cd "$here/../.." && swift build --show-bin-path)/aviary"
fi
project=$(mktemp -d "${TMPDIR:-/tmp}/seeds-workflow.XXXXXX")
"$AVIARY" init "$project" >&2
AVIARY_PROJECT="$project" "$AVIARY" function add seeds-classify --python "$here/functions/classify_standin.py" >&2
AVIARY_PROJECT="$project" "$AVIARY" workflow create seeds "$here/definition.json" >&2
images=$(for f in "$here"/images/*.png; do printf '"%s",' "$f"; done)
input="{\"images\": [${images%,}], \"threshold\": $threshold${webhook:+, \"webhook\": \"$webhook\"}}"
echo "project: $project" >&2
AVIARY_PROJECT="$project" "$AVIARY" workflow start seeds --name seeds-1 --input "$input" --json
