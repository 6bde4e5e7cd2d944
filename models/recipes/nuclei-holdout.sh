#!/usr/bin/env bash
# Scores a nuclei model on the 60 held-out images of nuclei-dsb2018-stage1-train (models/splits/), the second
# validation split: never trained on, never used for selection. Usage: models/recipes/nuclei-holdout.sh [MODEL] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-models/nuclei.onnx}
out=${2:-out/nuclei-holdout}
data=../shared/data/nuclei-dsb2018-stage1-train
split=$(mktemp -d)
trap 'rm -rf "$split"' EXIT
mkdir -p "$split/images" "$split/masks"
grep -v '^#' models/splits/nuclei-dsb2018-stage1-holdout.txt | while read -r name; do
  [ -n "$name" ] || continue
  ln -s "$(realpath "$data/images/$name.png")" "$split/images/$name.png"
  ln -s "$(realpath "$data/masks/$name.png")" "$split/masks/$name.png"
done
dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll eval --model "$model" \
  --images "$split/images" --masks "$split/masks" --out "$out"
