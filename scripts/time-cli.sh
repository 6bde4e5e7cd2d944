#!/usr/bin/env bash
# Times whole segkit processes, as a user runs them (issue 13): flows and masks at 512/1024/2048 and segment on one
# 512 x 512 image with the shipped nuclei model; best of N runs each, wall time and peak resident memory.
# Usage: scripts/time-cli.sh [RUNS]  (after scripts/setup.sh; pause any training first: timings share the CPU).
# SEGKIT_DLL=path/segkit.dll times another build, e.g. a ReadyToRun publish.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
segkit=(dotnet "${SEGKIT_DLL:-src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll}")
inputs=${SEGKIT_TIME_INPUTS:-out/time-cli/inputs}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -f "$inputs/cellprob_2048.npy" ]; then
  dotnet run -c Release --project tests/SegKit.Benchmarks -- write-cli-inputs "$inputs" >/dev/null
fi

best() { # label, command...: prints the best wall time and its peak memory over $runs runs
  local label=$1; shift
  local best_s="" best_kb=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    read -r s kb < "$work/t"
    if [ -z "$best_s" ] || awk "BEGIN{exit !($s < $best_s)}"; then best_s=$s; best_kb=$kb; fi
  done
  printf '%-34s %6.2f s  %5d MB\n' "$label" "$best_s" $((best_kb / 1024))
}

for size in 512 1024 2048; do
  best "segkit flows ${size}^2" "${segkit[@]}" flows "$inputs/labels_$size.tif" --out "$work/flows"
  best "segkit masks ${size}^2" "${segkit[@]}" masks --flows "$inputs/dP_$size.npy" --cellprob "$inputs/cellprob_$size.npy" --out "$work/masks_$size.tif"
done
best "segkit segment 512^2 (nuclei model)" "${segkit[@]}" segment "$inputs/nuclei_512.png" --out "$work/segment" --overwrite
best "segkit segment 512^2, --diameter 30" "${segkit[@]}" segment "$inputs/nuclei_512.png" --out "$work/segment" --overwrite --diameter 30
