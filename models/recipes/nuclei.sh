#!/usr/bin/env bash
# Recipe for models/nuclei.onnx (see models/nuclei.md). Run from the repository root after scripts/setup.sh.
# About 1.5 h on 2 CPU cores with one LibTorch thread; the data is ../shared/data/nuclei-dsb2018 (CC0).
set -euo pipefail
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
run=${1:-runs/nuclei}
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "${segkit[@]}" train --kind cellpose \
  --train ../shared/data/nuclei-dsb2018/train --val ../shared/data/nuclei-dsb2018/val \
  --out "$run" --epochs 400 --widths 16,32,64,128 --batch-size 8 --patch-size 224 \
  --learning-rate 0.005 --model-diameter 30 --channels 0,0 --auto-invert --validate-every 20 --seed 0 --resume
"${segkit[@]}" export "$run/best.ckpt" --out models/nuclei.onnx \
  --training-data "nuclei-dsb2018/train (36 images, BBBC038v1 stage-1 test solution, CC0); selected on nuclei-dsb2018/val"
