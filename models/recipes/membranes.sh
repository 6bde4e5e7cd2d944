#!/usr/bin/env bash
# Recipe for models/membranes.onnx (see models/membranes.md). Run from the repository root after scripts/setup.sh.
# About 40 min on 2 CPU cores with one LibTorch thread; the data is ../shared/data/membranes-isbi2012.
set -euo pipefail
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
run=${1:-runs/membranes}
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "${segkit[@]}" train --kind unet \
  --train ../shared/data/membranes-isbi2012/train --val ../shared/data/membranes-isbi2012/val \
  --out "$run" --epochs 200 --widths 16,32,64,128,256 --batch-size 4 --patch-size 256 \
  --learning-rate 0.005 --validate-every 10 --seed 0 --border-weight 0 --no-class-balance --resume
"${segkit[@]}" export "$run/best.ckpt" --out models/membranes.onnx \
  --training-data "membranes-isbi2012/train (ISBI 2012 EM slices 0-19, research use); selected on membranes-isbi2012/val (slices 20-23)"
