#!/usr/bin/env bash
# Recipe for models/nuclei.onnx (see models/nuclei.md). Run from the repository root after scripts/setup.sh.
# Two pieces, as the shipped model was made; checkpoints live outside the repository (default ~/segkit-runs).
# Piece 1 (about 1.5 h on 2 cores at 1.7 s per step, 2 torch threads; 4-8x longer on a 2-vCPU AVX2-only machine):
#   36 images of nuclei-dsb2018/train, from scratch.
# Piece 2 (about 2 h on one torch thread at 7-8 s per step): fine-tunes piece 1 on 737 images of three CC0 sets,
#   nuclei-dsb2018/train drawn 4x as often per image (it is the val set's distribution), the 60 held-out stage-1
#   images excluded (models/splits/); selected on nuclei-dsb2018/val.
# Either piece continues where it stopped with the same command (--resume); without its checkpoint folder, piece 2
# starts again from the committed models/nuclei.onnx (--init).
set -euo pipefail
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
runs=${1:-$HOME/segkit-runs}
data=../shared/data
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# The size model (one-pass diameter estimate) is fitted after every export, on the piece-2 training images; the
# ridge penalty is chosen on val. PIECE=size runs this step alone on the committed model.
fit_size() {
  "${segkit[@]}" size-model --model models/nuclei.onnx \
    --train $data/nuclei-dsb2018/train --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
    --exclude models/splits/nuclei-dsb2018-stage1-holdout.txt --val $data/nuclei-dsb2018/val \
    --regularization 1,0.1,0.01,0.001,0.0001 --scales 4 --seed 0
}
if [ "${PIECE:-2}" = size ]; then
  fit_size
  exit 0
fi
common=(--kind cellpose --widths 16,32,64,128 --batch-size 8 --patch-size 224 --model-diameter 30 --channels 0,0 --auto-invert)

if [ "${PIECE:-2}" = 1 ]; then
  nice -n 19 "${segkit[@]}" train "${common[@]}" --train $data/nuclei-dsb2018/train --val $data/nuclei-dsb2018/val \
    --out "$runs/nuclei-piece1" --epochs 400 --learning-rate 0.005 --validate-every 20 --seed 0 --resume
  "${segkit[@]}" export "$runs/nuclei-piece1/best.ckpt" --out models/nuclei.onnx \
    --training-data "nuclei-dsb2018/train (36 images, BBBC038v1 stage-1 test solution, CC0); selected on nuclei-dsb2018/val"
  fit_size
  exit 0
fi

nice -n 19 "${segkit[@]}" train "${common[@]}" \
  --train $data/nuclei-dsb2018/train:4 --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
  --exclude models/splits/nuclei-dsb2018-stage1-holdout.txt --samples-per-epoch 64 \
  --val $data/nuclei-dsb2018/val --out "$runs/nuclei-s4" --epochs 100 --learning-rate 0.003 --validate-every 10 --seed 4 \
  --init models/nuclei.onnx --resume
"${segkit[@]}" export "$runs/nuclei-s4/best.ckpt" --out models/nuclei.onnx \
  --training-data "piece 1: nuclei-dsb2018/train (36 images); piece 2: + nuclei-dsb2018-stage1-train (601 of 661, 60 held out) and nuclei-bbbc039 (100), all CC0 (BBBC038v1, BBBC039v1); selected on nuclei-dsb2018/val"
fit_size
