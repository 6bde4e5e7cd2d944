using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SegKit.Core;
using SegKit.Core.Classical;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Core.Pipelines;
using SegKit.Distributed;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Interop.ImageJ;
using SegKit.Interop.Outlines;
using SegKit.Onnx;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit segment: images in, for each a label image (TIFF), an outline overlay (PNG) and a per-object CSV out.
/// </summary>
internal static class SegmentCommand
{
    public const string MasksSuffix = SegmentationOutputs.MasksSuffix;
    public const string OverlaySuffix = SegmentationOutputs.OverlaySuffix;
    public const string ObjectsSuffix = SegmentationOutputs.ObjectsSuffix;

    public const string FlowsSuffix = SegmentationOutputs.FlowsSuffix;
    public const string ProbabilitySuffix = SegmentationOutputs.ProbabilitySuffix;

    /// <summary>The models shipped with the tool, in models/ next to it, selected with --method.</summary>
    public static string BundledModelPath(string name) => Path.Combine(AppContext.BaseDirectory, "models", name + ".onnx");

    public static Command Create(CliConsole console)
    {
        var inputs = new Argument<string[]>("inputs") { Arity = ArgumentArity.OneOrMore, Description = "Image files (PNG, TIFF, JPEG) or folders of them." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "Output folder (created if missing)." };
        var method = new Option<string>("--method", "-m") { DefaultValueFactory = _ => "nuclei", Description = "nuclei (the bundled Cellpose-style nuclei model), membranes (the bundled EM membrane U-Net) or classical (Otsu + distance-transform watershed)." };
        method.AcceptOnlyFromAmong("nuclei", "membranes", "classical");
        var overwrite = new Option<bool>("--overwrite") { Description = "Recompute images whose outputs already exist (by default they are skipped)." };
        var sigma = new Option<double>("--sigma") { DefaultValueFactory = _ => new ClassicalOptions().Sigma, Description = "Classical only: Gaussian smoothing before thresholding, in pixels (0 = none)." };
        var model = new Option<string?>("--model") { Description = "An ONNX model exported by segkit export (its card says how to run it); replaces --method." };
        var kind = new Option<string?>("--kind") { Description = "For an ONNX file without a SegKit card: cellpose or unet (with --channels and --model-diameter)." };
        kind.AcceptOnlyFromAmong("cellpose", "unet");
        var modelDiameter = new Option<double>("--model-diameter") { DefaultValueFactory = _ => CellposeSettings.DefaultModelDiameter, Description = "With --kind cellpose: the object diameter the network was trained at." };
        var estimate = new Option<bool>("--estimate-diameter") { Description = "Estimate each image's object diameter (the default for Cellpose models: the card's size model, else a first pass; kept for scripts)." };
        var device = new Option<string>("--device") { DefaultValueFactory = _ => "cpu", Description = "cpu, or cuda: the network on ONNX Runtime's CUDA provider, which needs the GPU build (-p:SegKitGpu=true), an NVIDIA driver and CUDA's libraries; without them the CPU, with one warning." };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var saveFlows = new Option<bool>("--save-flows") { Description = "Cellpose models: also write <name>_flows.npy ([2, H, W] dY, dX) and <name>_cellprob.npy ([H, W] probability logits)." };
        var saveRois = new Option<bool>("--save-rois") { Description = "Also write <name>_rois.zip: one polygon ROI per object (its outer boundary) in ImageJ's format, for Fiji's ROI Manager." };
        var saveOutlines = new Option<bool>("--save-outlines") { Description = "Also write <name>_cp_outlines.txt: Cellpose's outline text (one line x1,y1,x2,y2,... per object)." };
        var maxMegapixels = new Option<double>("--max-megapixels") { DefaultValueFactory = _ => ImageSizeLimit.DefaultMegapixels, Description = "Images above this size are segmented block by block when they are TIFFs, refused otherwise (about 100 bytes of memory per pixel are needed in one piece)." };
        var blocks = new Option<bool>("--blocks") { Description = "Segment block by block whatever the size (memory bounded by the block; TIFF/BigTIFF read by regions; masks written as a tiled BigTIFF, no overlay)." };
        var blockSize = new Option<int>("--block-size") { DefaultValueFactory = _ => 1024, Description = "Side of the blocks in pixels (a multiple of 256)." };

        var command = new Command("segment", "Segment nuclei or cells in images; writes <name>_masks.tif, <name>_overlay.png and <name>_objects.csv per image.")
        {
            inputs, output, method, overwrite, sigma, model, kind, modelDiameter, estimate, device, saveFlows, saveRois, saveOutlines, maxMegapixels, blocks, blockSize,
        };
        var cellpose = CellposeCommandOptions.ForModels(command);
        command.SetAction(result =>
        {
            SegmentOptions options = cellpose.Segmentation(result, result.GetValue(estimate));
            if (result.GetValue(sigma) is < 0 or > 50)
            {
                throw new CliUsageException("--sigma must be within 0..50");
            }

            if (!(result.GetValue(modelDiameter) > 0))
            {
                throw new CliUsageException("--model-diameter must be a positive number of pixels");
            }

            if (!(result.GetValue(maxMegapixels) > 0))
            {
                throw new CliUsageException("--max-megapixels must be positive");
            }

            int block = result.GetValue(blockSize);
            if (block < 256 || block % TiledLabelTiffWriter.TileSize != 0)
            {
                throw new CliUsageException($"--block-size must be a multiple of 256 (at least 256), not {block}");
            }

            IReadOnlyList<string> files = SegmentationOutputs.WithoutOutputsOf(InputFiles.Expand(result.GetValue(inputs)!), out IReadOnlyList<string> skipped);
            if (skipped.Count > 0)
            {
                console.Error.WriteLine($"skipping {skipped.Count} file(s) named as the outputs of other inputs: {string.Join(", ", skipped.Take(3).Select(Path.GetFileName))}{(skipped.Count > 3 ? ", ..." : string.Empty)}");
            }

            var batch = new SegmentBatch(files, result.GetValue(output)!, result.GetValue(overwrite), result.GetValue(saveFlows), result.GetValue(maxMegapixels))
            {
                SaveRois = result.GetValue(saveRois),
                SaveOutlines = result.GetValue(saveOutlines),
                Blocks = result.GetValue(blocks),
            };
            string? modelPath = result.GetValue(model);
            string methodName = result.GetValue(method)!;
            if (modelPath is null && methodName == "classical")
            {
                if (batch.Blocks)
                {
                    throw new CliUsageException("--blocks needs a model: the classical method segments whole images only");
                }

                var classical = new ClassicalSegmenter(new ClassicalOptions { MinSize = options.Dynamics.MinSize, Sigma = result.GetValue(sigma) });
                return Execute(console, batch, (packed, _) =>
                {
                    Image image = packed.Unpack();
                    LabelImage labels = classical.Segment(image);
                    return new SegmentationResult(labels, null, null, ObjectMeasurement.Measure(labels, image));
                });
            }

            if (modelPath is null)
            {
                modelPath = BundledModelPath(methodName);
                if (!File.Exists(modelPath))
                {
                    throw new ModelLoadException($"the bundled {methodName} model is missing from this build (models/{methodName}.onnx is copied next to the tool when it is built); use --model or --method classical", modelPath);
                }
            }

            string? kindName = result.GetValue(kind);
            ModelCard? cardOverride = kindName is null ? null : CardOverride.For(kindName, options.Channels ?? ChannelSelection.Gray, result.GetValue(modelDiameter));
            using var loaded = SegmentationModel.Load(modelPath, cardOverride, result.GetValue(device) == "cuda" ? ExecutionDevice.Cuda : ExecutionDevice.Cpu, new ConsoleWarningLogger(console));
            ModelSegmenter segmenter = loaded.CreateSegmenter(options);
            return Execute(console, batch with { Blockwise = () => new BlockwiseSegmenter(loaded, options, block) }, (image, name) => Segment(segmenter, image, name, batch.SaveFlows));
        });
        return command;
    }

    private static int Execute(CliConsole console, SegmentBatch batch, Func<PackedImage, string?, SegmentationResult> segment)
    {
        IReadOnlyList<string> files = batch.Inputs;
        OutputFolder.Prepare(batch.OutDir);

        var failures = new List<string>();
        var summary = new List<(string Name, string Result)>();
        var todo = files.Where(f => batch.Overwrite || !SegmentationOutputs.AreComplete(batch.OutDir, f)).ToList();
        foreach (string skipped in files.Except(todo))
        {
            summary.Add((Path.GetFileName(skipped), "skipped (outputs exist; --overwrite to redo)"));
        }

        var total = Stopwatch.StartNew();
        int objects = 0;
        BatchProgress.Run(console, "segmenting", todo, file =>
        {
            try
            {
                var clock = Stopwatch.StartNew();
                ImageFileInfo info = ImageFile.Describe(file);
                double megapixels = info.Height * (double)info.Width / 1e6;
                if (batch.Blockwise is { } blockwise && (batch.Blocks || (megapixels > batch.MaxMegapixels && info.Format == ImageFormat.Tiff)))
                {
                    int found = BlockwiseOutput.Segment(console, file, info, batch, blockwise(), failures);
                    Interlocked.Add(ref objects, found);
                    summary.Add((Path.GetFileName(file), string.Create(CultureInfo.InvariantCulture, $"{found} objects in {clock.Elapsed.TotalSeconds:0.00} s (block by block)")));
                    return;
                }

                // Checked from the header, before decoding: the pixels of a huge image never reach memory.
                BlockwiseOutput.CheckWholeImage(file, info, batch);
                // Held packed (bytes for 8-bit files) and unpacked only where read: the float copy never meets the
                // network output and the dynamics' planes at the peak of memory.
                PackedImage image = PackedImage.Pack(ImageFile.Read(file));
                StageMemory.Release(image);
                SegmentationResult result = segment(image, file);
                LabelImage labels = result.Labels;
                StageMemory.Release(image);
                SegmentationOutputs.Write(batch.OutDir, file, image.Unpack(), result, batch.SaveFlows, written =>
                {
                    if (batch.SaveRois || batch.SaveOutlines)
                    {
                        IReadOnlyList<ObjectOutline> outlines = ObjectOutlines.Trace(written);
                        if (batch.SaveRois)
                        {
                            ImageJRoiSet.Write(OutputPath(batch.OutDir, file, ImageJRoiSet.Suffix), outlines);
                        }

                        if (batch.SaveOutlines)
                        {
                            CellposeOutlineText.Write(OutputPath(batch.OutDir, file, CellposeOutlineText.Suffix), outlines);
                        }
                    }
                });
                Interlocked.Add(ref objects, labels.MaxLabel);
                summary.Add((Path.GetFileName(file), string.Create(CultureInfo.InvariantCulture, $"{labels.MaxLabel} objects in {clock.Elapsed.TotalSeconds:0.00} s{AtDiameter(result.Diameter)}")));
            }
            catch (SegKitException e)
            {
                failures.Add(e.Message);
                summary.Add((Path.GetFileName(file), "FAILED"));
            }
        });

        foreach (var (name, text) in summary.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            console.Out.WriteLine($"{name}: {text}");
        }

        if (todo.Count > 0)
        {
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{todo.Count - failures.Count} image(s), {objects} objects in {total.Elapsed.TotalSeconds:0.00} s"));
        }

        console.Out.WriteLine($"outputs in {Path.GetFullPath(batch.OutDir)}");
        foreach (string failure in failures)
        {
            console.Error.WriteLine($"segkit: {failure}");
        }

        return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>
    /// A model's segmentation of a packed image in its stages, collecting between them what the previous one left: the
    /// network's input from the unpacked values, the network's pass over it, then the dynamics and the measurements on
    /// the packed values; flows and probability only when they are written.
    /// </summary>
    /// <remarks>
    /// Each stage's temporaries live in a method of their own: a method that runs once runs unoptimised, and there a
    /// local keeps its object alive until the method returns, however long after its last use.
    /// </remarks>
    private static SegmentationResult Segment(ModelSegmenter segmenter, PackedImage image, string? name, bool withFlows)
    {
        if (segmenter.CellposeOptions is not { } cellpose)
        {
            return segmenter.Segment(image.Unpack(), name);
        }

        CellposePrediction prediction = Predict(segmenter, image, name);
        StageMemory.Release(image);
        return segmenter.Masks(prediction, image, cellpose.Dynamics, withFlows);
    }

    private static CellposePrediction Predict(ModelSegmenter segmenter, PackedImage image, string? name)
    {
        CellposeInput input = Input(segmenter, image, name);
        StageMemory.Release(image);
        return segmenter.Predict(input);
    }

    private static CellposeInput Input(ModelSegmenter segmenter, PackedImage image, string? name) => segmenter.Input(image.Unpack(), name);

    /// <summary>", at diameter 18.4 px" for a Cellpose result (what the size model estimated, or what was given), else nothing.</summary>
    private static string AtDiameter(double? diameter) =>
        diameter is double d ? string.Create(CultureInfo.InvariantCulture, $", at diameter {d:0.0} px") : string.Empty;

    private static string OutputPath(string outDir, string input, string suffix) => SegmentationOutputs.PathOf(outDir, input, suffix);
}
