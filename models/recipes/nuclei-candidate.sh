#!/usr/bin/env bash
# Scores a nuclei checkpoint as a candidate for models/nuclei.onnx, the way the shipped model is scored: exports it
# (float32), fits its size model (penalty chosen on val), converts it to float16 (refused unless val AP@0.5 stays
# within 0.005 of float32), and runs segkit eval --model on nuclei-dsb2018/val for both and on the held-out stage-1
# split for float16 (float32 when float16 was refused). Ship it (as models/nuclei.onnx, with its card and figures)
# only when val AP@0.5 beats the shipped model's, in float32 when that is under 15 MB, else in float16.
# Usage: [DIAMETERS=8,51] models/recipes/nuclei-candidate.sh CHECKPOINT OUT "TRAINING DATA FOR THE CARD"
# (DIAMETERS: the size model's resampling range in pixels; give 8,51 for a 17 px model, whose default range stops at 34.)
set -euo pipefail
cd "$(dirname "$0")/../.."
ckpt=$1; out=$2; data_note=$3
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
d=../shared/data
mkdir -p "$out"
"${segkit[@]}" export "$ckpt" --out "$out/fp32.onnx" --training-data "$data_note"
"${segkit[@]}" size-model --model "$out/fp32.onnx" \
  --train $d/nuclei-dsb2018/train --train $d/nuclei-dsb2018-stage1-train --train $d/nuclei-bbbc039 \
  --exclude models/splits/nuclei-dsb2018-stage1-holdout.txt --val $d/nuclei-dsb2018/val \
  --regularization 1,0.1,0.01,0.001,0.0001,0.00001,0.000001 --scales 4 --seed 0 ${DIAMETERS:+--diameters $DIAMETERS}
rm -f "$out/fp16.onnx"
# The float16 copy is written only when its val AP@0.5 is within 0.005 of float32's (export's --val gate).
"${segkit[@]}" export "$out/fp32.onnx" --out "$out/fp16.onnx" --weights fp16 --val $d/nuclei-dsb2018/val || echo "== float16 refused by the val gate"
for w in fp32 fp16; do
  [ -f "$out/$w.onnx" ] || continue
  echo "== $w, nuclei-dsb2018/val"
  "${segkit[@]}" eval --model "$out/$w.onnx" --images $d/nuclei-dsb2018/val/images --masks $d/nuclei-dsb2018/val/masks --out "$out/val-$w"
done
for w in fp16 fp32; do
  if [ -f "$out/$w.onnx" ]; then
    echo "== $w, held-out stage-1 images"
    bash models/recipes/nuclei-holdout.sh "$out/$w.onnx" "$out/holdout"
    break
  fi
done
