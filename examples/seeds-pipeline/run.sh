#!/bin/sh
# Runs the seeds' pipeline on Fashion-MNIST's 10,000 test images in a fresh project, twice (the second
# run is all cache hits), then once with a threshold the model cannot reach:
#   examples/seeds-pipeline/run.sh
# AVIARY names the aviary executable (default: the debug build, built if needed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ -z "${AVIARY:-}" ]; then
    (cd "$here/../.." && swift build --product aviary >&2)
    AVIARY="$(cd "$here/../.." && swift build --show-bin-path)/aviary"
fi
project=$(mktemp -d "${TMPDIR:-/tmp}/seeds-pipeline.XXXXXX")
export AVIARY_PROJECT="$project"
"$AVIARY" init "$project" >&2
fashion=/usr/share/datasets/fashion-mnist
"$AVIARY" data import "$fashion/t10k-images-idx3-ubyte.gz" --dataset fashion \
  --class-names "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot" >&2
"$AVIARY" pipeline validate "$here/pipeline.yaml"
"$AVIARY" pipeline run "$here/pipeline.yaml" --name first
"$AVIARY" pipeline run "$here/pipeline.yaml" --name again
"$AVIARY" pipeline run "$here/pipeline.yaml" --name strict --param threshold=0.99 --no-cache
"$AVIARY" model ls fashion-classifier
echo "project: $project" >&2
