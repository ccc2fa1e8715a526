#!/usr/bin/env bash
# The main job, end to end on the embedded default (SQLite + a content-addressed folder).
# It grows with every capability until it runs the whole loop. `make demo` runs it.
set -euo pipefail
aviary="${1:?usage: demo.sh PATH/TO/aviary}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/aviary-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> %s\n' "$*"; }

step "Create a project in $work/birds"
"$aviary" init "$work/birds"
cd "$work/birds"

step "Store real images: Fashion-MNIST's IDX files and the repository's sample photos"
images=(/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz)
while IFS= read -r -d '' photo; do images+=("$photo"); done \
  < <(find "$here/Tests" -path '*Fixtures*' \( -name '*.jpg' -o -name '*.png' \) -size +8k -print0 2>/dev/null | sort -z | head -z -n 4)
for image in "${images[@]}"; do
  id="$("$aviary" blob put "$image")"
  printf '%s  %s\n' "$id" "${image#"$here"/}"
  "$aviary" blob get "$id" -o "$work/readback"
  cmp -s "$image" "$work/readback" || { echo "read-back of $image differs" >&2; exit 1; }
done
echo "every blob read back byte for byte"

step "Store them again: content addressing keeps one copy"
"$aviary" blob put "${images[@]}" >/dev/null
"$aviary" blob ls

step "Check the store"
"$aviary" fsck

step "Project status"
"$aviary" status
