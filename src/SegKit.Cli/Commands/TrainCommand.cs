using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Export;
using SegKit.Onnx;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;

namespace SegKit.Cli.Commands;

/// <summary>segkit train: trains a Cellpose network or a U-Net on image/mask folders, with checkpoints, a log and plots.</summary>
internal static class TrainCommand
{
    private const string TcmallocLibrary = "libtcmalloc_minimal.so.4";

    public static Command Create(CliConsole console)
    {
        var defaults = new TrainerOptions();
        var kind = new Option<string>("--kind") { DefaultValueFactory = _ => "cellpose", Description = "cellpose (flows, instances) or unet (classes)." };
        kind.AcceptOnlyFromAmong("cellpose", "unet");
        var train = new Option<string[]>("--train")
        {
            Required = true,
            AllowMultipleArgumentsPerToken = false,
            Description = "Training folder with images/ and masks/ (same file names); repeat for several. DIR:WEIGHT draws each image of DIR WEIGHT times as often as an image of a folder with weight 1 (the default).",
        };
        var exclude = new Option<string?>("--exclude") { Description = "A text file of image names (one per line, no extension; # comments) never trained on: a held-out split." };
        var samplesPerEpoch = new Option<int?>("--samples-per-epoch") { Description = "Images drawn per epoch, with replacement by folder weight (default: every training image once)." };
        var flowCache = new Option<string?>("--flow-cache") { Description = $"Folder caching flow targets by mask content (default {FlowCache.DefaultFolder}; 'none' to recompute)." };
        var val = new Option<string?>("--val") { Description = "Validation folder (same layout); validated with the real post-processing." };
        var output = new Option<string>("--out", "-o") { Required = true, Description = "Output folder: last.ckpt, best.ckpt, training_log.csv, loss.png, validation.png." };
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => defaults.Epochs, Description = "Epochs (one pass over the training images each)." };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => defaults.BatchSize, Description = "Patches per step." };
        var patch = new Option<int>("--patch-size") { DefaultValueFactory = _ => defaults.PatchSize, Description = "Patch side (multiple of 16)." };
        var lr = new Option<double>("--learning-rate") { DefaultValueFactory = _ => defaults.LearningRate, Description = "Peak learning rate (warm-up over 10 epochs, halvings at the end)." };
        var optimizer = new Option<string>("--optimizer") { DefaultValueFactory = _ => "adamw", Description = "adamw or sgd (momentum 0.9)." };
        optimizer.AcceptOnlyFromAmong("adamw", "sgd");
        var widths = new Option<string?>("--widths") { Description = "Level widths, e.g. 32,64,128,256 (Cellpose default) or 16,32,64,128 (compact); for unet the first is the base width." };
        var diameter = new Option<double>("--model-diameter") { DefaultValueFactory = _ => defaults.ModelDiameter, Description = "Cellpose: the model's diameter, the object size the network learns at (each image is rescaled from its own median object diameter)." };
        var validateEvery = new Option<int>("--validate-every") { DefaultValueFactory = _ => defaults.ValidateEvery, Description = "Validate every N epochs (and after the last)." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Random seed (weights, patches, augmentation)." };
        var channels = new Option<string>("--channels") { DefaultValueFactory = _ => "0,0", Description = "Cellpose channels: cytoplasm,nucleus (0 gray/none, 1 red, 2 green, 3 blue, 4 haematoxylin)." };
        var autoInvert = new Option<bool>("--auto-invert") { Description = "Invert images with a bright background (brightfield, stained tissue) after normalisation; the exported card tells inference to do the same." };
        var borderWeight = new Option<double>("--border-weight") { DefaultValueFactory = _ => defaults.BorderWeight, Description = "U-Net: border weight w0 of the paper's weight map (0 = none)." };
        var elastic = new Option<double>("--elastic") { DefaultValueFactory = _ => 0, Description = "U-Net: the paper's elastic deformation, a smooth random displacement field of up to this many pixels (0 = off)." };
        var noClassBalance = new Option<bool>("--no-class-balance") { Description = "U-Net: plain per-pixel loss instead of weighing both classes as equally frequent (optimises pixel accuracy)." };
        var select = new Option<string>("--select") { DefaultValueFactory = _ => "foreground-iou", Description = "U-Net: the validation metric that picks best.ckpt, foreground-iou or pixel-accuracy (1 - pixel error). Cellpose models are picked on AP@0.5." };
        select.AcceptOnlyFromAmong("foreground-iou", "pixel-accuracy");
        var averageFrom = new Option<int?>("--average-from") { Description = "Also keep the mean of the weights of every epoch from this one (counted from 1) to the last in average.ckpt (stochastic weight averaging; export it like best.ckpt). Best at a constant learning rate: runs of fewer than 100 epochs have no decay." };
        var flowThreshold = new Option<double?>("--flow-threshold") { Description = "Cellpose: the flow threshold validation's masks are made with (default Cellpose's 0.4; 0 keeps every mask), so best.ckpt is picked with the dynamics the model will run with; segkit export records it in the card." };
        var precision = new Option<string>("--precision") { DefaultValueFactory = _ => "auto", Description = "fp32, bf16 (bfloat16 forward and backward, fp32 weights and optimiser) or auto (bf16 where the CPU has native bf16: AVX512_BF16 or AMX)." };
        precision.AcceptOnlyFromAmong("auto", "fp32", "bf16");
        var init = new Option<string?>("--init") { Description = "Start from the weights of a SegKit ONNX model of the same architecture (fine-tuning a shipped model)." };
        var initNarrow = new Option<bool>("--init-narrow") { Description = "With --init: the model may be wider than --widths (same depth); the first channels of each level are taken, as a warm start for a narrower network." };
        var resume = new Option<bool>("--resume") { Description = "Continue from last.ckpt in the output folder." };
        var command = new Command("train", "Train a Cellpose-style network or a U-Net with TorchSharp.")
        {
            kind, train, exclude, samplesPerEpoch, flowCache, val, output, epochs, batch, patch, lr, optimizer, widths, diameter, validateEvery, seed, channels, autoInvert, borderWeight, noClassBalance, elastic, select, flowThreshold, averageFrom, precision, init, initNarrow, resume,
        };
        command.SetAction((result, token) =>
        {
            if (PreloadTcmalloc(console) is int childExit)
            {
                return Task.FromResult(childExit);
            }

            var modelKind = result.GetValue(kind) == "unet" ? SegmentationModelKind.UNet : SegmentationModelKind.Cellpose;
            int[]? levelWidths = ParseInts(result.GetValue(widths), "--widths");
            int[] channelCodes = ParseInts(result.GetValue(channels), "--channels") ?? [0, 0];
            if (channelCodes.Length != 2)
            {
                throw new CliUsageException("--channels takes two numbers, cytoplasm,nucleus");
            }

            TrainerOptions options;
            try
            {
                options = new TrainerOptions
                {
                    Kind = modelKind,
                    Epochs = result.GetValue(epochs),
                    BatchSize = result.GetValue(batch),
                    SamplesPerEpoch = result.GetValue(samplesPerEpoch),
                    PatchSize = result.GetValue(patch),
                    LearningRate = result.GetValue(lr),
                    Optimizer = result.GetValue(optimizer) == "sgd" ? OptimizerKind.Sgd : OptimizerKind.AdamW,
                    ModelDiameter = result.GetValue(diameter),
                    ValidateEvery = result.GetValue(validateEvery),
                    Seed = result.GetValue(seed),
                    Precision = result.GetValue(precision) switch
                    {
                        "bf16" => TrainingPrecision.BFloat16,
                        "fp32" => TrainingPrecision.Float32,
                        _ => NativeBFloat16.IsSupported ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32,
                    },
                    InvertBrightBackground = result.GetValue(autoInvert),
                    BorderWeight = result.GetValue(borderWeight),
                    BalanceClasses = !result.GetValue(noClassBalance),
                    ElasticAlpha = result.GetValue(elastic),
                    Selection = result.GetValue(select) == "pixel-accuracy" ? UNetSelection.PixelAccuracy : UNetSelection.ForegroundIoU,
                    FlowThreshold = result.GetValue(flowThreshold) ?? DynamicsOptions.Default.FlowThreshold,
                    AverageFrom = result.GetValue(averageFrom),
                    Channels = ChannelSelection.FromCellpose(channelCodes[0], channelCodes[1]),
                    Cellpose = levelWidths is null ? CellposeNetOptions.Default : new CellposeNetOptions { Widths = levelWidths },
                    UNet = levelWidths is null ? UNetOptions.Modern : UNetOptions.Modern with { BaseWidth = levelWidths[0], Depth = Math.Max(1, levelWidths.Length - 1) },
                };
                options.Validate();
            }
            catch (ArgumentException e)
            {
                // One line: the reason, without .NET's "(Parameter 'X')" and "Actual value was" suffixes.
                string reason = e.ParamName is string name && e.Message.IndexOf($" (Parameter '{name}')", StringComparison.Ordinal) is int cut and >= 0 ? e.Message[..cut] : e.Message;
                throw new CliUsageException(reason);
            }

            var folders = result.GetValue(train)!.Select(TrainingFolder.Parse).ToArray();
            string? cacheOption = result.GetValue(flowCache);
            var load = new DatasetLoadOptions
            {
                Channels = options.Channels,
                InvertBrightBackground = options.InvertBrightBackground,
                Exclude = result.GetValue(exclude) is string list ? ReadNameList(list) : null,
                FlowCache = cacheOption is null ? FlowCache.DefaultFolder : cacheOption == "none" ? null : cacheOption,
            };
            if (result.GetValue(initNarrow) && result.GetValue(init) is null)
            {
                throw new CliUsageException("--init-narrow goes with --init (the wider model to start from)");
            }

            return Task.FromResult(Execute(console, options, load, folders, result.GetValue(val), result.GetValue(output)!, result.GetValue(resume), token, result.GetValue(init), result.GetValue(initNarrow)));
        });
        return command;
    }

    private static int Execute(CliConsole console, TrainerOptions options, DatasetLoadOptions load, TrainingFolder[] folders, string? valDir, string outDir, bool resume, CancellationToken token, string? initPath, bool initNarrow)
    {
        OutputFolder.Prepare(outDir);
        var parts = new List<(SegmentationDataset, double)>();
        var clock = Stopwatch.StartNew();
        foreach (var folder in folders)
        {
            console.Error.WriteLine($"loading {folder.Path}...");
            var part = SegmentationDataset.Load(folder.Path, options.Kind, load);
            console.Error.WriteLine($"  {part.Count} image(s), weight {folder.Weight.ToString(CultureInfo.InvariantCulture)}, median object diameter {part.MedianDiameter?.ToString("0.0", CultureInfo.InvariantCulture) ?? "n/a"} px");
            parts.Add((part, folder.Weight));
        }

        var train = SegmentationDataset.Combine(parts);
        var val = valDir is null ? null : SegmentationDataset.Load(valDir, options.Kind, load with { Exclude = null });
        using (var self = Process.GetCurrentProcess())
        {
            console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{train.Count} training image(s){(val is null ? string.Empty : $", {val.Count} validation image(s)")} loaded in {clock.Elapsed.TotalSeconds:0} s; resident memory {self.WorkingSet64 / (1 << 20)} MB"));
        }
        console.Error.WriteLine(options.Precision == TrainingPrecision.BFloat16 ? "precision: bf16 steps, fp32 weights" : "precision: fp32");
        if (options.Precision == TrainingPrecision.BFloat16 && !NativeBFloat16.IsSupported)
        {
            // Measured on a 2-vCPU AMD EPYC (Zen 3): the nuclei recipe's first epoch took over 4 minutes in bf16
            // against 71 s in fp32, so a recipe written on a bf16 machine should not silently run that slowly.
            console.Error.WriteLine("warning: this CPU has no native bfloat16 (AVX512_BF16 or AMX); LibTorch emulates it and bf16 steps are several times slower than --precision fp32 (or auto)");
        }
        var trainer = new Trainer(options, outDir, new EpochPrinter(console.Error, options.Epochs), console.Interactive ? new StepPrinter(console.Error) : null);
        // Ctrl+C finishes and saves the epoch in progress instead of killing the run mid-write.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (stop.IsCancellationRequested)
            {
                return; // a second Ctrl+C ends the process as usual
            }

            e.Cancel = true;
            stop.Cancel();
            console.Error.WriteLine("stopping after this epoch (Ctrl+C again to kill)...");
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            Action<TorchSharp.torch.nn.Module>? initialize = null;
            string lastCheckpoint = Path.Combine(outDir, Trainer.LastCheckpointName);
            if (resume && File.Exists(lastCheckpoint))
            {
                // --init only seeds a fresh run; a resumed one carries its own weights, so say which.
                Checkpoint header = Checkpoint.ReadHeader(lastCheckpoint);
                console.Error.WriteLine($"resuming from {lastCheckpoint} after epoch {header.Epoch + 1}{(initPath is null ? string.Empty : $" (--init {initPath} is not used)")}");
            }
            else if (initPath is not null)
            {
                OnnxModel initial = OnnxReader.ReadFile(initPath);
                initialize = network => OnnxWeightImporter.LoadInto(network, initial, initPath, initNarrow);
                console.Error.WriteLine($"starting from the weights of {initPath}{(initNarrow ? " (the first channels of each level)" : string.Empty)}");
            }

            var result = trainer.Run(train, val, resume, stop.Token, initialize);
            console.Out.WriteLine($"checkpoints: {result.LastCheckpoint}{(result.BestCheckpoint is null ? string.Empty : $", {result.BestCheckpoint} (best {trainer.MetricName} {result.BestMetric:0.000} at epoch {result.BestEpoch})")}");
            if (result.AverageCheckpoint is not null)
            {
                console.Out.WriteLine($"weight average of epochs {options.AverageFrom} to {Checkpoint.ReadHeader(result.AverageCheckpoint).Epoch + 1}: {result.AverageCheckpoint}");
            }

            string validationPlot = Path.Combine(outDir, TrainingLog.ValidationPlotName);
            console.Out.WriteLine($"log: {result.Log}; plots: {Path.Combine(outDir, TrainingLog.LossPlotName)}{(File.Exists(validationPlot) ? $", {validationPlot}" : string.Empty)}");
            return ExitCodes.Success;
        }
        catch (OperationCanceledException)
        {
            console.Error.WriteLine($"segkit: stopped; continue with the same command and --resume (checkpoint {Path.Combine(outDir, Trainer.LastCheckpointName)})");
            return ExitCodes.Failure;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// tcmalloc keeps LibTorch's many short-lived buffers from fragmenting glibc's heap (1.46x faster steps here).
    /// It must be loaded before the process starts, so the segkit executable re-runs itself with LD_PRELOAD once.
    /// Returns the child's exit code, or null to train in this process.
    /// </summary>
    private static int? PreloadTcmalloc(CliConsole console)
    {
        string preload = Environment.GetEnvironmentVariable("LD_PRELOAD") ?? string.Empty;
        if (preload.Contains("tcmalloc", StringComparison.Ordinal))
        {
            console.Error.WriteLine("tcmalloc is preloaded");
            return null;
        }

        string? library = new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib" }.Select(d => Path.Combine(d, TcmallocLibrary)).FirstOrDefault(File.Exists);
        bool isTool = Assembly.GetEntryAssembly()?.GetName().Name == "segkit";
        if (library is null || !isTool || !OperatingSystem.IsLinux() || Environment.ProcessPath is null)
        {
            console.Error.WriteLine($"tcmalloc not preloaded{(library is null ? " (install libtcmalloc-minimal4 for faster training steps)" : string.Empty)}");
            return null;
        }

        string[] args = Environment.GetCommandLineArgs();
        var start = new ProcessStartInfo(Environment.ProcessPath) { UseShellExecute = false };
        // Under the dotnet host, argument 0 is segkit.dll and must be passed on; an apphost is the program itself.
        foreach (string arg in Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? args : args[1..])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["LD_PRELOAD"] = string.IsNullOrEmpty(preload) ? library : $"{library}:{preload}";
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>Names from a list file: one per line, blank lines and # comments skipped.</summary>
    internal static HashSet<string> ReadNameList(string path)
    {
        try
        {
            return File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--exclude {path}: {e.Message}");
        }
    }

    private static int[]? ParseInts(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return text.Split(',', StringSplitOptions.TrimEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (FormatException)
        {
            throw new CliUsageException($"{option} takes comma-separated whole numbers, not '{text}'");
        }
    }

    /// <summary>On a terminal, one line per epoch that fills in step by step (carriage return, no scrolling).</summary>
    private sealed class StepPrinter(TextWriter writer) : IProgress<StepReport>
    {
        public void Report(StepReport value)
        {
            int filled = value.Step * 30 / value.Steps;
            writer.Write(string.Create(CultureInfo.InvariantCulture, $"\repoch {value.Epoch} [{new string('#', filled)}{new string('.', 30 - filled)}] step {value.Step}/{value.Steps}  loss {value.Loss:0.0000}   "));
            if (value.Step == value.Steps)
            {
                writer.Write('\r');
                writer.Write(new string(' ', 80));
                writer.Write('\r');
            }
        }
    }

    private sealed class EpochPrinter(TextWriter writer, int epochs) : IProgress<EpochReport>
    {
        public void Report(EpochReport value) => writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {value.Epoch}/{epochs}  loss {value.TrainLoss:0.0000}  lr {value.LearningRate:0.######}{(value.ValidationMetric is double m ? $"  validation {m:0.000}" : string.Empty)}  {value.Elapsed.TotalSeconds:0.0} s{(value.RetriedAfter is string error ? $"  (run again from the last checkpoint after a LibTorch error: {error})" : string.Empty)}"));
    }
}
