#!/usr/bin/env bash
# Recipe for models/membranes.onnx (see models/membranes.md). Run from the repository root after scripts/setup.sh.
# About 30 min on one LibTorch thread of an AVX-512/AMX Xeon (bf16 steps; 2-4x longer in fp32 on an AVX2-only CPU);
# the data is ../shared/data/membranes-isbi2012. The checkpoints go to runs/membranes (or the folder given) and --resume
# continues a stopped run.
set -euo pipefail
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
run=${1:-runs/membranes}
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} "${segkit[@]}" train --kind unet \
  --train ../shared/data/membranes-isbi2012/train --val ../shared/data/membranes-isbi2012/val \
  --out "$run" --epochs 300 --widths 24,48,96,192,384 --batch-size 4 --patch-size 256 \
  --learning-rate 0.005 --validate-every 10 --seed 8 --border-weight 0 --no-class-balance --elastic 10 --resume
"${segkit[@]}" export "$run/best.ckpt" --out models/membranes.onnx --weights fp16 \
  --training-data "membranes-isbi2012/train (ISBI 2012 EM slices 0-19, research use), elastic deformation; selected on membranes-isbi2012/val (slices 20-23)"
