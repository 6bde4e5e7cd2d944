#!/usr/bin/env bash
# The main job: segments the bundled sample images with the bundled nuclei model (models/nuclei.onnx) and scores
# them against their ground truth. Outputs (out/sample/): <name>_masks.tif (16-bit labels), <name>_overlay.png
# (outlines over the image), <name>_objects.csv (one row per object), eval_per_image.csv, eval_ap_vs_iou.png, eval.json.
# The classical baseline: add --method classical instead of --model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
segkit=(dotnet src/SegKit.Cli/bin/Release/net10.0/linux-x64/segkit.dll)
out=out/sample
"${segkit[@]}" segment models/samples/images --out "$out" --model models/nuclei.onnx --overwrite
"${segkit[@]}" eval --pred "$out" --truth models/samples/masks --json "$out/eval.json"
echo "Open $out/*_overlay.png to see the objects found."
