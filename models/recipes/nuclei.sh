#!/usr/bin/env bash
# Recipe for models/nuclei.onnx (see models/nuclei.md). Run from the repository root after scripts/setup.sh.
# The shipped model (session 12) is the eighth of eight pieces; checkpoints live outside the repository (default
# ~/segkit-runs), and every piece continues where it stopped with the same command (--resume). PIECE=6, 7, 9, 10, 12,
# 13, 14 or 15 runs one piece (the numbers are those of models/nuclei.md); without PIECE all eight run in turn (about 11
# hours of one torch thread on a 2-vCPU Xeon with AMX, bf16 steps; several sessions here). --precision auto takes bf16
# steps where the CPU has native bf16 (AVX512_BF16 or AMX) and fp32 elsewhere: on a 2-vCPU AMD EPYC without it an epoch
# of the broad phase takes about 63 s in fp32 on one thread, and several times that in emulated bf16.
#   piece 6:  Cellpose's widths (32-64-128-256) from scratch at Cellpose's nuclei diameter (17 px) on three CC0 sets,
#             nuclei-dsb2018/train drawn 8x and the colour (H&E, brightfield) stage-1 images 4x per image.
#   piece 7:  piece 6's best specialised on nuclei-dsb2018/train (the val set's distribution) at a low rate.
#   piece 9:  narrowed to 24-48-96-192 (14.9 MB in float32, under the 15 MB budget) from piece 7's best
#             (--init-narrow), trained on the three sets again.
#   piece 10: piece 9's best specialised on nuclei-dsb2018/train (session 10's shipped weights: its epoch 20).
#   piece 12: piece 10's best, a longer broad phase on the three sets.
#   piece 13: piece 12's best specialised on nuclei-dsb2018/train (session 11's shipped weights: its epoch 100; that run
#             was planned for 60 epochs and resumed to 100, so its rate fell later than this command's).
#   piece 14: piece 13's best, the broad phase again.
#   piece 15: piece 14's best specialised on nuclei-dsb2018/train: the shipped weights (its epoch 20).
# Then the size model (one-pass diameter estimate) is fitted, the flow threshold set and the val figures recorded in the
# card.
# The 60 held-out stage-1 images (models/splits/) are never trained on; every piece is selected on nuclei-dsb2018/val.
set -euo pipefail
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
runs=${1:-$HOME/segkit-runs}
data=../shared/data
holdout=models/splits/nuclei-dsb2018-stage1-holdout.txt
# One torch thread leaves a core for builds and tests; on a machine given to training alone, OMP_NUM_THREADS=2 ran
# 1.6x faster on a 2-vCPU AMD EPYC (README, performance section).
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
piece=${PIECE:-all}

# The size model, fitted on the training images resampled to 8-51 px objects (the default range, 1/3-2x of 17 px, ends
# below the 35-40 px nuclei of three val images); the ridge penalty is chosen on val. PIECE=size runs it alone.
fit_size() {
  "${segkit[@]}" size-model --model models/nuclei.onnx \
    --train $data/nuclei-dsb2018/train --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
    --exclude $holdout --val $data/nuclei-dsb2018/val \
    --regularization 1,0.1,0.01,0.001,0.0001,0.00001,0.000001 --scales 4 --seed 0 --diameters 8,51
}
if [ "$piece" = size ]; then
  fit_size
  exit 0
fi

common=(--kind cellpose --batch-size 8 --patch-size 224 --model-diameter 17 --channels 0,0 --auto-invert --precision auto
  --samples-per-epoch 64 --val $data/nuclei-dsb2018/val)

# The colour images of stage1-train (PNG colour type 2), as a folder of links so that they can be drawn more often.
colour=$runs/nuclei-colour
if [ ! -d "$colour/images" ]; then
  mkdir -p "$colour/images" "$colour/masks"
  for f in $data/nuclei-dsb2018-stage1-train/images/*.png; do
    if [ "$(od -An -tu1 -j25 -N1 "$f" | tr -d ' ')" = 2 ]; then
      name=$(basename "$f")
      ln -sf "$(realpath "$f")" "$colour/images/$name"
      ln -sf "$(realpath "$data/nuclei-dsb2018-stage1-train/masks/$name")" "$colour/masks/$name"
    fi
  done
fi

if [ "$piece" = all ] || [ "$piece" = 6 ]; then
  nice -n 19 "${segkit[@]}" train "${common[@]}" --widths 32,64,128,256 \
    --train $data/nuclei-dsb2018/train:8 --train "$colour":3 --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
    --exclude $holdout --out "$runs/nuclei-piece6" --epochs 300 --learning-rate 0.005 --validate-every 20 --seed 8 --resume
  "${segkit[@]}" export "$runs/nuclei-piece6/best.ckpt" --out "$runs/nuclei-piece6/best.onnx"
fi

if [ "$piece" = all ] || [ "$piece" = 7 ]; then
  nice -n 19 "${segkit[@]}" train "${common[@]}" --widths 32,64,128,256 --train $data/nuclei-dsb2018/train \
    --out "$runs/nuclei-piece7" --epochs 100 --learning-rate 0.0005 --validate-every 10 --seed 9 \
    --init "$runs/nuclei-piece6/best.onnx" --resume
  "${segkit[@]}" export "$runs/nuclei-piece7/best.ckpt" --out "$runs/nuclei-piece7/best.onnx"
fi

if [ "$piece" = all ] || [ "$piece" = 9 ]; then
  nice -n 19 "${segkit[@]}" train "${common[@]}" --widths 24,48,96,192 \
    --train $data/nuclei-dsb2018/train:8 --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
    --exclude $holdout --out "$runs/nuclei-piece9" --epochs 150 --learning-rate 0.001 --validate-every 10 --seed 11 \
    --init "$runs/nuclei-piece7/best.onnx" --init-narrow --resume
  "${segkit[@]}" export "$runs/nuclei-piece9/best.ckpt" --out "$runs/nuclei-piece9/best.onnx"
fi

# From piece 10 on, the 24-192 network alternates two kinds of piece, each from the previous piece's best: a broad
# phase on the three sets and a specialisation on nuclei-dsb2018/train alone. Both take NAME SEED INIT.
broad() {
  nice -n 19 "${segkit[@]}" train "${common[@]}" --widths 24,48,96,192 \
    --train $data/nuclei-dsb2018/train:8 --train "$colour":3 --train $data/nuclei-dsb2018-stage1-train --train $data/nuclei-bbbc039 \
    --exclude $holdout --out "$runs/$1" --epochs 200 --learning-rate 0.001 --validate-every 10 --seed "$2" --init "$3" --resume
  "${segkit[@]}" export "$runs/$1/best.ckpt" --out "$runs/$1/best.onnx"
}
specialise() {
  nice -n 19 "${segkit[@]}" train "${common[@]}" --widths 24,48,96,192 --train $data/nuclei-dsb2018/train \
    --out "$runs/$1" --epochs 100 --learning-rate 0.0005 --validate-every 10 --seed "$2" --init "$3" --resume
  "${segkit[@]}" export "$runs/$1/best.ckpt" --out "$runs/$1/best.onnx"
}

if [ "$piece" = all ] || [ "$piece" = 10 ]; then specialise nuclei-piece10 12 "$runs/nuclei-piece9/best.onnx"; fi
if [ "$piece" = all ] || [ "$piece" = 12 ]; then broad nuclei-piece12 14 "$runs/nuclei-piece10/best.onnx"; fi
if [ "$piece" = all ] || [ "$piece" = 13 ]; then specialise nuclei-piece13 15 "$runs/nuclei-piece12/best.onnx"; fi
if [ "$piece" = all ] || [ "$piece" = 14 ]; then broad nuclei-piece14 16 "$runs/nuclei-piece13/best.onnx"; fi

if [ "$piece" = all ] || [ "$piece" = 15 ]; then
  specialise nuclei-piece15 17 "$runs/nuclei-piece14/best.onnx"
  "${segkit[@]}" export "$runs/nuclei-piece15/best.ckpt" --out models/nuclei.onnx \
    --training-data "four rounds of a broad phase on nuclei-dsb2018/train, nuclei-dsb2018-stage1-train (601, the 60 held-out images excluded) and nuclei-bbbc039, then nuclei-dsb2018/train alone (BBBC038v1 and BBBC039, CC0); widths 24-48-96-192 narrowed from a 32-256 network; selected on nuclei-dsb2018/val"
  fit_size
  # The card's flow threshold (models/nuclei.md, "The card's flow threshold"): 1 instead of Cellpose's 0.4, chosen on val
  # with segkit eval --flow-threshold 0.4, 0.6, 0.8, 1, 1.5, 2, 3 and 0.
  "${segkit[@]}" export models/nuclei.onnx --flow-threshold 1 --out "$runs/nuclei-flow.onnx"
  mv "$runs/nuclei-flow.onnx" models/nuclei.onnx
  # The val figures; the shipped card records them with
  #   segkit export models/nuclei.onnx --out models/nuclei.onnx.new --metric ap@0.5=... --metric ap@0.75=... --metric aji=...
  # (and the held-out split's from models/recipes/nuclei-holdout.sh), then the new file replaces models/nuclei.onnx.
  "${segkit[@]}" eval --model models/nuclei.onnx --images $data/nuclei-dsb2018/val/images --masks $data/nuclei-dsb2018/val/masks \
    --json "$runs/nuclei-val.json" --out "$runs/nuclei-val"
fi
