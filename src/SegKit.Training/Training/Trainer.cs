using SegKit.Onnx;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SegKit.Core;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Core.Metrics;
using SegKit.Core.Pipelines;
using SegKit.Core.Targets;
using SegKit.Core.Tiling;
using SegKit.Training.Augmentation;
using SegKit.Training.Data;
using SegKit.Training.Losses;
using SegKit.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace SegKit.Training.Training;

/// <summary>
/// Trains a Cellpose network or a U-Net: random augmented patches, the family's loss, AdamW or SGD on Cellpose's
/// learning-rate schedule, validation with the real post-processing and metrics (AP@0.5 for Cellpose, foreground IoU
/// or pixel accuracy for U-Net, <see cref="TrainerOptions.Selection"/>), the best and the last checkpoint, a CSV log
/// and PNG plots. Every epoch draws its patches from a generator seeded by (seed, epoch), so a resumed run repeats an
/// uninterrupted one.
/// </summary>
public sealed class Trainer
{
    public const string LastCheckpointName = "last.ckpt";
    public const string BestCheckpointName = "best.ckpt";
    public const string AverageCheckpointName = "average.ckpt";

    private readonly TrainerOptions _options;
    private readonly string _folder;
    private readonly IProgress<EpochReport>? _progress;
    private readonly IProgress<StepReport>? _steps;

    public Trainer(TrainerOptions options, string outputFolder, IProgress<EpochReport>? progress = null, IProgress<StepReport>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(outputFolder);
        options.Validate();
        _options = options;
        _folder = outputFolder;
        _progress = progress;
        _steps = steps;
    }

    public string MetricName => _options.Kind == SegmentationModelKind.Cellpose ? "AP@0.5" : SelectionName(_options.Selection);

    /// <summary>
    /// Trains, or with <paramref name="resume"/> continues from the last checkpoint in the output folder. Cancellation
    /// is checked between epochs: the epoch in progress finishes and is saved, then OperationCanceledException.
    /// </summary>
    /// <param name="initialize">Called once on the fresh network before training starts (not when resuming): loads the
    /// weights of a model to fine-tune.</param>
    public TrainingResult Run(SegmentationDataset train, SegmentationDataset? validation, bool resume = false, CancellationToken cancellation = default, Action<nn.Module>? initialize = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (train.Count == 0)
        {
            throw new ArgumentException("the training set is empty", nameof(train));
        }

        if (train.Count < _options.BatchSize && _options.SamplesPerEpoch is null)
        {
            throw new ArgumentException($"{train.Count} training image(s) cannot fill a batch of {_options.BatchSize}; lower the batch size", nameof(train));
        }

        TorchRuntime.EnsureLoaded();
        Directory.CreateDirectory(_folder);
        string last = Path.Combine(_folder, LastCheckpointName);
        string best = Path.Combine(_folder, BestCheckpointName);
        torch.manual_seed(_options.Seed);
        using nn.Module model = CreateModel();
        if (initialize is not null && !(resume && File.Exists(last)))
        {
            initialize(model);
        }

        using optim.Optimizer optimizer = CreateOptimizer(model);
        using BFloat16Shadow? shadow = _options.Precision == TrainingPrecision.BFloat16 ? new BFloat16Shadow(model, CreateModel()) : null;
        var log = new TrainingLog(_folder);
        int startEpoch = 0;

        // Whether last.ckpt is this run's (resumed from, or written by an epoch of it): a stale one from another run in the
        // folder is never reloaded to repeat an epoch.
        bool checkpointed = false;
        double? bestMetric = null;
        int? bestEpoch = null;
        if (resume && File.Exists(last))
        {
            Checkpoint header = Checkpoint.Load(last, model, optimizer);

            // The best metric carried on would be compared with another metric's values.
            TrainerOptions saved = SavedOptions(header, last);
            if (saved.Selection != _options.Selection)
            {
                throw new InvalidImageException($"this run selects on {SelectionName(saved.Selection)}; resume it with the same selection, or start a new output folder", last);
            }

            if (saved.FlowThreshold != _options.FlowThreshold)
            {
                throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture, $"this run validates at flow threshold {saved.FlowThreshold}; resume it with the same threshold, or start a new output folder"), last);
            }

            if (saved.AverageFrom != _options.AverageFrom)
            {
                throw new InvalidImageException($"this run averages its weights {AveragingName(saved.AverageFrom)}; resume it with the same --average-from, or start a new output folder", last);
            }

            startEpoch = header.Epoch + 1;
            checkpointed = true;
            bestMetric = header.BestMetric;
            bestEpoch = header.BestEpoch;
            log.Restore(header.Epoch + 1); // the log counts epochs from 1
        }

        double[] schedule = LearningRateSchedule.Build(_options.LearningRate, _options.Epochs);
        string optionsJson = JsonSerializer.Serialize(_options);
        string averagePath = Path.Combine(_folder, AverageCheckpointName);
        using WeightAverage? average = _options.AverageFrom is null ? null : new WeightAverage(CreateModel());
        if (average is not null)
        {
            RestoreAverage(average, averagePath, startEpoch, model, last);
        }

        for (int epoch = startEpoch; epoch < _options.Epochs; epoch++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = schedule[epoch];
            }

            double loss;
            string? retriedAfter = null;
            try
            {
                loss = TrainEpoch(model, shadow, optimizer, train, epoch);
            }
            catch (System.Runtime.InteropServices.ExternalException e) when (checkpointed)
            {
                // Seen in long bf16 runs on TorchSharp 0.107 (session 10): LibTorch rejecting a Scalar whose type it could
                // not read, in BatchNorm's counter or in a loss's "+", after 500-800 steps, and not again when the
                // run resumed from its checkpoint. The epoch is run once more from the last checkpoint, as --resume would.
                retriedAfter = FirstLine(e);
                Checkpoint.Load(last, model, optimizer);
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = schedule[epoch]; // the checkpoint holds the previous epoch's rate
                }
                try
                {
                    loss = TrainEpoch(model, shadow, optimizer, train, epoch);
                }
                catch (System.Runtime.InteropServices.ExternalException again)
                {
                    throw Failed(again, epoch, last);
                }
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                throw Failed(e, epoch, null);
            }

            double? metric = null;
            bool lastEpoch = epoch == _options.Epochs - 1;
            if (validation is { Count: > 0 } && ((epoch + 1) % _options.ValidateEvery == 0 || lastEpoch))
            {
                metric = Validate(model, validation);
                if (bestMetric is null || metric > bestMetric)
                {
                    bestMetric = metric;
                    bestEpoch = epoch;
                    Checkpoint.Save(best, new Checkpoint(_options.Kind.ToString(), epoch, bestMetric, bestEpoch, optionsJson), model, optimizer);
                }
            }

            Checkpoint.Save(last, new Checkpoint(_options.Kind.ToString(), epoch, bestMetric, bestEpoch, optionsJson), model, optimizer);
            checkpointed = true;
            if (average is not null && epoch + 1 >= _options.AverageFrom)
            {
                // Written after last.ckpt: a run stopped between the two writes finds the mean one epoch behind and
                // adds last.ckpt's weights on --resume.
                average.Add(model);
                average.Save(averagePath, new Checkpoint(_options.Kind.ToString(), epoch, null, null, optionsJson));
            }

            var report = new EpochReport(epoch + 1, _options.Epochs, schedule[epoch], loss, metric, clock.Elapsed) { RetriedAfter = retriedAfter };
            log.Add(report, MetricName);
            _progress?.Report(report);
        }

        return new TrainingResult(last, File.Exists(best) ? best : null, bestMetric, bestEpoch is null ? null : bestEpoch + 1, Path.Combine(_folder, TrainingLog.CsvName), log.Epochs)
        {
            AverageCheckpoint = average is { Count: > 0 } ? averagePath : null,
        };
    }

    /// <summary>
    /// A resumed run continues its weight average from average.ckpt. <paramref name="model"/> holds last.ckpt's weights:
    /// when the mean is one epoch behind them (stopped between the two writes) they are added now.
    /// </summary>
    private void RestoreAverage(WeightAverage average, string averagePath, int startEpoch, nn.Module model, string last)
    {
        int from = _options.AverageFrom!.Value;
        int expected = startEpoch - from + 1; // epochs from..startEpoch (counted from 1) are done
        if (expected <= 0)
        {
            return;
        }

        if (!File.Exists(averagePath))
        {
            if (expected == 1)
            {
                average.Add(model);
                return;
            }

            throw new InvalidImageException($"the weight average of epochs {from} to {startEpoch} is missing (average.ckpt); start a new output folder", last);
        }

        int held = Checkpoint.ReadHeader(averagePath).Epoch + 1 - from + 1;
        if (held != expected && held != expected - 1)
        {
            throw new InvalidImageException($"it holds the weight average up to epoch {held + from - 1}, but last.ckpt is epoch {startEpoch}; start a new output folder", averagePath);
        }

        average.Restore(averagePath, held);
        if (held == expected - 1)
        {
            average.Add(model);
        }
    }

    private static string AveragingName(int? from) => from is int f ? $"from epoch {f}" : "not at all";

    // LibTorch's message carries its C++ stack after the first line; the first line says what failed.
    private static string FirstLine(Exception e) => e.Message.Split('\n', 2)[0].Trim();

    /// <param name="last">This run's last checkpoint (written or resumed from); null when it has none yet.</param>
    private static TrainingFailedException Failed(Exception e, int epoch, string? last)
    {
        string resumeFrom = last is not null ? $"the last good checkpoint is {last} (continue with --resume)" : "no checkpoint was written yet";
        return new TrainingFailedException($"LibTorch failed at epoch {epoch + 1}: {FirstLine(e)}; {resumeFrom}", e);
    }

    /// <summary>Builds the network the options describe (weights drawn from torch's generator).</summary>
    public nn.Module CreateModel() => CreateModel(_options);

    /// <summary>The trained network stored in a checkpoint, in evaluation mode, with the options it was trained with.</summary>
    public static (nn.Module Model, TrainerOptions Options, Checkpoint Header) LoadModel(string checkpointPath)
    {
        TorchRuntime.EnsureLoaded();
        Checkpoint header = Checkpoint.ReadHeader(checkpointPath);
        TrainerOptions options = SavedOptions(header, checkpointPath);
        nn.Module model = CreateModel(options);
        Checkpoint.Load(checkpointPath, model, null);
        model.eval();
        return (model, options, header);
    }

    private static nn.Module CreateModel(TrainerOptions options) => options.Kind == SegmentationModelKind.Cellpose
        ? new CellposeNet(options.Cellpose with { InputChannels = 2, OutputChannels = 3 })
        : new UNet(options.UNet with { InputChannels = 1, Classes = 2 });

    private optim.Optimizer CreateOptimizer(nn.Module model) => _options.Optimizer == OptimizerKind.AdamW
        ? optim.AdamW(model.parameters(), lr: _options.LearningRate, weight_decay: _options.WeightDecay)
        : optim.SGD(model.parameters(), _options.LearningRate, momentum: 0.9, weight_decay: _options.WeightDecay);

    private double TrainEpoch(nn.Module model, BFloat16Shadow? shadow, optim.Optimizer optimizer, SegmentationDataset train, int epoch)
    {
        model.train();
        shadow?.Working.train();
        long seed = ((long)_options.Seed * 1_000_003) + epoch;
        torch.manual_seed(seed);
        var random = new Random((int)(seed % int.MaxValue));
        int[] order = train.DrawEpoch(_options.SamplesPerEpoch ?? train.Count, random);
        double total = 0;
        int steps = 0;
        int stepCount = (order.Length + _options.BatchSize - 1) / _options.BatchSize;
        // The next batch is augmented on another core while this one runs through the network. One producer draws
        // from the epoch's generator in batch order, so the patches are the same as in a serial loop.
        Task<TrainingBatch> next = Task.Run(() => PrepareBatch(train, order, 0, random));
        for (int b = 0; b < stepCount; b++)
        {
            TrainingBatch batch = next.GetAwaiter().GetResult();
            if (b + 1 < stepCount)
            {
                int start = (b + 1) * _options.BatchSize;
                next = Task.Run(() => PrepareBatch(train, order, start, random));
            }

            using var scope = NewDisposeScope();
            shadow?.Pull();
            Tensor loss = Loss(shadow?.Working ?? model, batch);
            float value = loss.item<float>();
            if (!float.IsFinite(value))
            {
                throw new TrainingDivergedException($"the loss became {value} at epoch {epoch + 1}, step {steps + 1}; the last good checkpoint is {Path.Combine(_folder, LastCheckpointName)} (try a lower learning rate)");
            }

            optimizer.zero_grad();
            loss.backward();
            shadow?.Push();
            optimizer.step();
            total += value;
            steps++;
            _steps?.Report(new StepReport(epoch + 1, steps, stepCount, value));
        }

        return total / steps;
    }

    private TrainingSample Augment(DatasetItem item, Random random)
    {
        double baseScale = _options.Kind == SegmentationModelKind.Cellpose && item.Diameter is double d ? _options.ModelDiameter / d : 1.0;
        var augmenter = new RandomAugmenter(new AugmentationOptions
        {
            PatchSize = _options.PatchSize,
            BaseScale = baseScale,
            ElasticAlpha = _options.Kind == SegmentationModelKind.UNet ? _options.ElasticAlpha : 0,
        });
        return augmenter.Apply(new TrainingSample(item.Image, item.Labels, item.Flows), random);
    }

    /// <summary>Augmented patches of one step as flat arrays, ready to become tensors (built off the training thread).</summary>
    private TrainingBatch PrepareBatch(SegmentationDataset train, int[] order, int start, Random random)
    {
        int n = Math.Min(_options.BatchSize, order.Length - start);
        int p = _options.PatchSize;
        var samples = new TrainingSample[n];
        for (int i = 0; i < n; i++)
        {
            samples[i] = Augment(train.Items[order[start + i]], random);
        }

        int channels = samples[0].Image.Channels;
        var input = new float[n * channels * p * p];
        for (int i = 0; i < n; i++)
        {
            samples[i].Image.Data.CopyTo(input.AsSpan(i * channels * p * p));
        }

        if (_options.Kind == SegmentationModelKind.Cellpose)
        {
            var flows = new float[n * 2 * p * p];
            var cells = new float[n * p * p];
            for (int i = 0; i < n; i++)
            {
                samples[i].Flows!.Data.CopyTo(flows.AsSpan(i * 2 * p * p));
                int[] labels = samples[i].Labels.Buffer;
                for (int k = 0; k < labels.Length; k++)
                {
                    cells[(i * p * p) + k] = labels[k] > 0 ? 1f : 0f;
                }
            }

            return new TrainingBatch(n, channels, input, flows, cells, null, null);
        }

        var classes = new long[n * p * p];
        var weights = new float[n * p * p];
        for (int i = 0; i < n; i++)
        {
            int[] labels = samples[i].Labels.Buffer;
            for (int k = 0; k < labels.Length; k++)
            {
                classes[(i * p * p) + k] = labels[k] > 0 ? 1 : 0;
            }

            UNetWeightMap.Compute(samples[i].Labels, _options.BorderWeight, balanceClasses: _options.BalanceClasses).CopyTo(weights.AsSpan(i * p * p));
        }

        return new TrainingBatch(n, channels, input, null, null, classes, weights);
    }

    private Tensor Loss(nn.Module model, TrainingBatch batch)
    {
        int n = batch.Count;
        int p = _options.PatchSize;
        Tensor x = tensor(batch.Input, [n, batch.Channels, p, p]);
        if (_options.Precision == TrainingPrecision.BFloat16)
        {
            x = x.to(ScalarType.BFloat16);
        }

        // Losses are computed in fp32 whatever the network's precision.
        if (model is CellposeNet cellpose)
        {
            var (output, _) = cellpose.forward(x);
            return SegmentationLosses.Cellpose(output.to(ScalarType.Float32), tensor(batch.Flows!, [n, 2, p, p]), tensor(batch.CellProbability!, [n, p, p]));
        }

        Tensor logits = ((UNet)model).forward(x).to(ScalarType.Float32);
        Tensor target = tensor(batch.Classes!, [n, p, p]);
        Tensor weight = tensor(batch.Weights!, [n, p, p]);
        long o = logits.shape[2];
        if (o != p)
        {
            // Valid convolutions: the output is the patch's centre, so the targets are cropped to it (the paper's scheme).
            long offset = (p - o) / 2;
            target = target.narrow(1, offset, o).narrow(2, offset, o);
            weight = weight.narrow(1, offset, o).narrow(2, offset, o);
        }

        return SegmentationLosses.WeightedCrossEntropy(logits, target, weight);
    }

    private double Validate(nn.Module model, SegmentationDataset validation)
    {
        model.eval();
        try
        {
            return _options.Kind == SegmentationModelKind.Cellpose ? ValidateCellpose((CellposeNet)model, validation) : ValidateUNet((UNet)model, validation);
        }
        finally
        {
            model.train();
        }
    }

    private double ValidateCellpose(CellposeNet net, SegmentationDataset validation)
    {
        var network = new TorchTileNetwork(x => net.forward(x).Output, 3);
        var tiling = new TilingOptions { TileSize = _options.PatchSize, BatchSize = _options.BatchSize };
        var results = new List<InstanceEvaluation>();
        foreach (DatasetItem item in validation.Items)
        {
            results.Add(InstanceMetrics.Evaluate(item.Labels, SegmentCellpose(item, network, tiling), [0.5]));
        }

        return DatasetEvaluation.Combine(results).Scores[0].AveragePrecision;
    }

    private LabelImage SegmentCellpose(DatasetItem item, ITileNetwork network, TilingOptions tiling) =>
        CellposePipeline.Run(item.Image, network, new CellposeSettings
        {
            ModelDiameter = _options.ModelDiameter,
            Diameter = item.Diameter,
            TileSize = tiling.TileSize,
            BatchSize = tiling.BatchSize,
            Dynamics = DynamicsOptions.Default with { FlowThreshold = _options.FlowThreshold },
        }).Masks;

    private double ValidateUNet(UNet net, SegmentationDataset validation)
    {
        var network = new TorchTileNetwork(net.forward, 2);
        var tiling = new TilingOptions { TileSize = _options.PatchSize, BatchSize = _options.BatchSize, Flows = null };
        // Valid padding: Core's overlap-tile scheme on training-sized tiles (what UNetSegmenter runs at inference).
        int? validOutput = net.Options.Padding == UNetPadding.Valid ? net.OutputSize(_options.PatchSize) : null;
        var overlapTiles = new OverlapTileOptions
        {
            TileSize = _options.PatchSize,
            Halo = validOutput is int o ? (_options.PatchSize - o) / 2 : 0,
            DownsamplingFactor = 1 << net.Options.Depth,
            BatchSize = _options.BatchSize,
        };
        var results = new List<SemanticEvaluation>();
        foreach (DatasetItem item in validation.Items)
        {
            Image logits = net.Options.Padding == UNetPadding.Same ? TiledPrediction.Run(item.Image, network, tiling) : OverlapTilePrediction.Run(item.Image, network, overlapTiles);
            Span<float> background = logits.Plane(0);
            Span<float> foreground = logits.Plane(1);
            var predicted = new int[item.Image.PlaneSize];
            var truth = new int[item.Image.PlaneSize];
            for (int i = 0; i < predicted.Length; i++)
            {
                predicted[i] = foreground[i] > background[i] ? 1 : 0;
                truth[i] = item.Labels.Buffer[i] > 0 ? 1 : 0;
            }

            results.Add(SemanticMetrics.Evaluate(truth, predicted, 2));
        }

        SemanticEvaluation all = SemanticEvaluation.Combine(results);
        return _options.Selection == UNetSelection.PixelAccuracy ? all.PixelAccuracy : all.IoU[1];
    }

    /// <summary>The options a checkpoint was trained with, from its header.</summary>
    private static TrainerOptions SavedOptions(Checkpoint header, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainerOptions>(header.OptionsJson) ?? throw new JsonException("empty options");
        }
        catch (JsonException e)
        {
            throw new InvalidImageException($"checkpoint options are unreadable ({e.Message})", path, e);
        }
    }

    private static string SelectionName(UNetSelection selection) => selection == UNetSelection.PixelAccuracy ? "pixel accuracy" : "foreground IoU";
}
