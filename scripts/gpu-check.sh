#!/usr/bin/env bash
# GPU check (issue 13): on a machine with an NVIDIA GPU, builds segkit with the GPU switch (-p:SegKitGpu=true: ONNX
# Runtime's CUDA build; training keeps the CPU LibTorch) into artifacts/gpu, segments the sample images with
# --device cuda and with --device cpu (the same build, so only the device differs), and prints the seconds per image,
# whether each CUDA mask equals the CPU one, the CUDA masks scored against the CPU masks, and both against the truth.
#
# Usage: scripts/gpu-check.sh [--build-only]
#   --build-only  build the GPU variant and stop; needs no GPU (shows that the GPU build restores and compiles).
# Environment:
#   SEGKIT_GPU_IMAGES, SEGKIT_GPU_MASKS  images and their ground truth (default models/samples/images and masks)
#   SEGKIT_GPU_ROUNDS  times each image is segmented in one process (default 3): CUDA's start-up falls on the first
#                      image, so the later rounds show the time per image without it
#   SEGKIT_SKIP_SETUP=1  skip scripts/setup.sh (system packages, CPU build) on a machine already set up
# Needs an NVIDIA driver, CUDA 13's libraries on the library path (ONNX Runtime 1.32's CUDA provider links
# libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9.
# Exit status: 0 checked; 2 no NVIDIA GPU; 3 CUDA did not start (segkit fell back to the CPU); other: a step failed.
set -euo pipefail
cd "$(dirname "$0")/.."

build_only=false
case "${1:-}" in
  --build-only) build_only=true ;;
  "") ;;
  *) echo "usage: scripts/gpu-check.sh [--build-only]" >&2; exit 64 ;;
esac

# Checked before anything is built: without a GPU there is nothing to compare, and the build takes minutes.
if ! $build_only; then
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "gpu-check: no NVIDIA GPU here (nvidia-smi is not installed); run this on a machine with one, or use --build-only to check that the GPU build compiles" >&2
    exit 2
  fi
  if ! gpus=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1) || [ -z "$gpus" ]; then
    echo "gpu-check: nvidia-smi finds no usable GPU: $gpus" >&2
    exit 2
  fi
fi

if [ "${SEGKIT_SKIP_SETUP:-}" != 1 ]; then
  bash scripts/setup.sh
fi

artifacts=artifacts/gpu
echo "gpu-check: building segkit with -p:SegKitGpu=true into $artifacts ..."
dotnet build src/SegKit.Cli -c Release --nologo -v quiet -clp:"ErrorsOnly;NoSummary" -p:SegKitGpu=true --artifacts-path "$artifacts"
segkit_dll="$artifacts/bin/SegKit.Cli/release_linux-x64/segkit.dll"
if [ ! -f "$artifacts/bin/SegKit.Cli/release_linux-x64/libonnxruntime_providers_cuda.so" ]; then
  echo "gpu-check: the GPU build has no libonnxruntime_providers_cuda.so: it did not take ONNX Runtime's CUDA package" >&2
  exit 1
fi
echo "gpu-check: GPU build ready: $segkit_dll"
if $build_only; then
  exit 0
fi

echo "GPU: $gpus"
images=${SEGKIT_GPU_IMAGES:-models/samples/images}
masks=${SEGKIT_GPU_MASKS:-models/samples/masks}
rounds=${SEGKIT_GPU_ROUNDS:-3}
work=out/gpu-check
rm -rf "$work"
mkdir -p "$work/images"
# Round 1 keeps the names (they pair with the ground truth); later rounds are copies named <stem>_round<k>.
for f in "$images"/*; do
  [ -f "$f" ] || continue
  name=$(basename "$f"); stem=${name%.*}; ext=${name##*.}
  cp "$f" "$work/images/$name"
  for k in $(seq 2 "$rounds"); do cp "$f" "$work/images/${stem}_round$k.$ext"; done
done

segkit=(dotnet "$segkit_dll")
for device in cuda cpu; do
  start=$(date +%s.%N)
  "${segkit[@]}" segment "$work/images" --out "$work/$device" --device "$device" --overwrite >"$work/$device.log" 2>"$work/$device.err" \
    || { cat "$work/$device.log" "$work/$device.err" >&2; echo "gpu-check: segkit segment --device $device failed" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }' >"$work/$device.wall"
  if [ "$device" = cuda ] && grep -q "CUDA was requested but" "$work/cuda.err"; then
    cat "$work/cuda.err" >&2
    echo "gpu-check: CUDA did not start, so segkit ran on the CPU (the warning above says why)" >&2
    exit 3
  fi
done

# "name.png: N objects in S s" per image, from each run.
per_image() { sed -n 's/^\(.*\): \([0-9]*\) objects in \([0-9.]*\) s$/\1 \2 \3/p' "$work/$1.log" | LC_ALL=C sort; }
echo
printf '%-30s %8s %8s %8s %8s  %s\n' image "cpu s" "cuda s" "cpu obj" "cuda obj" "masks"
LC_ALL=C join <(per_image cpu) <(per_image cuda) | while read -r name cpu_n cpu_s cuda_n cuda_s; do
  stem=${name%.*}
  if cmp -s "$work/cpu/${stem}_masks.tif" "$work/cuda/${stem}_masks.tif"; then same=identical; else same=differ; fi
  printf '%-30s %8s %8s %8s %8s  %s\n' "$name" "$cpu_s" "$cuda_s" "$cpu_n" "$cuda_n" "$same"
done
echo "whole process (start-up, model load, all images): cpu $(cat "$work/cpu.wall") s, cuda $(cat "$work/cuda.wall") s"

# The masks alone, so that eval pairs them by name (the output folders also hold overlays and tables).
for device in cuda cpu; do
  mkdir -p "$work/$device-masks" "$work/$device-masks-round1"
  cp "$work/$device"/*_masks.tif "$work/$device-masks/"
  for f in "$images"/*; do
    stem=$(basename "${f%.*}")
    cp "$work/$device/${stem}_masks.tif" "$work/$device-masks-round1/"
  done
done
# pred, truth, out: the table on stdout; eval's progress lines only when it fails.
evaluate() {
  "${segkit[@]}" eval --pred "$1" --truth "$2" --out "$3" --json "$3.json" 2>"$3.err" || { cat "$3.err" >&2; exit 1; }
}
echo
echo "CUDA masks scored against the CPU masks as truth (1.000 in every column: the same objects):"
evaluate "$work/cuda-masks" "$work/cpu-masks" "$work/eval-cuda-vs-cpu"
if [ -d "$masks" ]; then
  for device in cpu cuda; do
    echo
    echo "--device $device against the ground truth ($masks):"
    evaluate "$work/$device-masks-round1" "$masks" "$work/eval-$device"
  done
fi
echo
echo "gpu-check: outputs in $work"
