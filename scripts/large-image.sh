#!/usr/bin/env bash
# Block-wise segmentation at scale, outside the default tests (tens of minutes on 2 cores); run after scripts/setup.sh.
#  1. a 4096 x 4096 tiled BigTIFF of real nuclei (the sample images, flipped and rotated) segmented whole and in
#     blocks of 1024: object counts and AP@0.5 of the block-wise masks against the whole-image ones;
#  2. a 20,000 x 20,000 one segmented block-wise (the default above 64 megapixels): wall time and peak memory.
# Usage: scripts/large-image.sh [WORK_DIR] [DIAMETER]   (the diameter is given so both runs and every block use the same)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/segkit-large}
diameter=${2:-18}
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
bench=(dotnet tests/SegKit.Benchmarks/bin/Release/net10.0/linux-x64/SegKit.Benchmarks.dll)
mkdir -p "$work"
"${bench[@]}" write-large-image "$work/mosaic4096.tif" 4096
/usr/bin/time -f "whole image, 4096^2: %e s, peak %M KB" "${segkit[@]}" segment "$work/mosaic4096.tif" --out "$work/whole" --diameter "$diameter" --overwrite
/usr/bin/time -f "blocks of 1024, 4096^2: %e s, peak %M KB" "${segkit[@]}" segment "$work/mosaic4096.tif" --out "$work/blocks" --diameter "$diameter" --blocks --block-size 1024 --overwrite
"${bench[@]}" compare-masks "$work/whole/mosaic4096_masks.tif" "$work/blocks/mosaic4096_masks.tif"
if [ "${SKIP_20000:-0}" != 1 ]; then
  "${bench[@]}" write-large-image "$work/mosaic20000.tif" 20000
  /usr/bin/time -f "blocks of 1024, 20000^2: %e s, peak %M KB" "${segkit[@]}" segment "$work/mosaic20000.tif" --out "$work/large" --diameter "$diameter" --overwrite
fi
