using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Onnx;
using SegKit.Training.Data;
using SegKit.Training.Models;

namespace SegKit.Training.Training;

/// <summary>Everything a training run needs besides its data; defaults follow Cellpose v3.</summary>
public sealed record TrainerOptions
{
    public SegmentationModelKind Kind { get; init; } = SegmentationModelKind.Cellpose;

    public CellposeNetOptions Cellpose { get; init; } = CellposeNetOptions.Default;

    /// <summary>U-Net shape; with valid padding the loss covers the centre the network sees whole (the paper's overlap-tile).</summary>
    public UNetOptions UNet { get; init; } = UNetOptions.Modern;

    public ChannelSelection Channels { get; init; } = ChannelSelection.Gray;

    public int Epochs { get; init; } = 100;

    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Images drawn per epoch (with replacement, by the data set's weights); null: every image once. Sets the epoch's
    /// length, and with it the learning-rate schedule's and validation's pace, independently of the data set's size.
    /// </summary>
    public int? SamplesPerEpoch { get; init; }

    public int PatchSize { get; init; } = 224;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    public double LearningRate { get; init; } = 0.005;

    public double WeightDecay { get; init; } = 1e-5;

    /// <summary>Validate (real post-processing and metrics) every this many epochs, and after the last.</summary>
    public int ValidateEvery { get; init; } = 10;

    /// <summary>Cellpose: the object diameter the network sees; images are rescaled from their own median diameter.</summary>
    public double ModelDiameter { get; init; } = 30;

    public int Seed { get; init; }

    /// <summary>The precision of the forward and backward passes (weights and optimiser state are fp32 either way).</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Float32;

    /// <summary>Invert images whose background is bright (brightfield, H&amp;E) after normalisation, so the network sees one polarity.</summary>
    public bool InvertBrightBackground { get; init; }

    /// <summary>U-Net loss: the border weight w0 of the paper's weight map (0: no border term).</summary>
    public double BorderWeight { get; init; } = 10;

    /// <summary>U-Net loss: weigh both classes as if equally frequent (the paper's w_c). Off optimises plain pixel accuracy.</summary>
    public bool BalanceClasses { get; init; } = true;

    /// <summary>Extra augmentation for U-Net (elastic deformation, as the paper): the largest displacement in pixels, 0 = off.</summary>
    public double ElasticAlpha { get; init; }

    /// <summary>U-Net: the validation metric that selects the best checkpoint. Cellpose models are selected on AP@0.5.</summary>
    public UNetSelection Selection { get; init; } = UNetSelection.ForegroundIoU;

    /// <summary>
    /// Cellpose: the flow threshold validation's masks are made with (Cellpose's flow_threshold; 0 keeps every mask), so
    /// that the checkpoint is selected with the dynamics the model will run with. An exported card records it when it
    /// differs from Cellpose's default.
    /// </summary>
    public double FlowThreshold { get; init; } = DynamicsOptions.Default.FlowThreshold;

    /// <summary>
    /// From this epoch (counted from 1) to the last, the run also keeps the mean of every epoch's weights and BatchNorm
    /// statistics in <c>average.ckpt</c> (stochastic weight averaging); null keeps none.
    /// </summary>
    public int? AverageFrom { get; init; }

    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "at least one epoch");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least one image per batch");
        }

        bool validUNet = Kind == SegmentationModelKind.UNet && UNet.Padding == UNetPadding.Valid;
        if (!validUNet && (PatchSize < 16 || PatchSize % 16 != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize, "the patch size must be a multiple of 16, at least 16");
        }

        if (SamplesPerEpoch is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(SamplesPerEpoch), SamplesPerEpoch, "at least one image per epoch");
        }

        if (ValidateEvery < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValidateEvery), ValidateEvery, "validate at least every epoch count >= 1");
        }

        if (Kind == SegmentationModelKind.UNet && UNet.OutputSize(PatchSize) is null)
        {
            throw new ArgumentOutOfRangeException(nameof(PatchSize), PatchSize, $"a {PatchSize}-pixel patch does not fit this valid-padding U-Net; the next size that does is {UNet.NextValidInputSize(PatchSize)}");
        }

        if (!(BorderWeight >= 0) || double.IsInfinity(BorderWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(BorderWeight), BorderWeight, "the border weight must be a finite number >= 0");
        }

        if (Kind == SegmentationModelKind.Cellpose && Selection != UNetSelection.ForegroundIoU)
        {
            throw new ArgumentException("selecting on pixel accuracy is for U-Nets; a Cellpose model is selected on AP@0.5", nameof(Selection));
        }

        if (AverageFrom is int from && (from < 1 || from > Epochs))
        {
            throw new ArgumentOutOfRangeException(nameof(AverageFrom), AverageFrom, $"the first averaged epoch must be one of the run's epochs, 1 to {Epochs}");
        }

        if (!(FlowThreshold >= 0) || double.IsInfinity(FlowThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(FlowThreshold), FlowThreshold, "the flow threshold must be a finite number >= 0 (0 keeps every mask)");
        }

        if (Kind == SegmentationModelKind.UNet && FlowThreshold != DynamicsOptions.Default.FlowThreshold)
        {
            throw new ArgumentException("a flow threshold is for Cellpose models; a U-Net has no flows", nameof(FlowThreshold));
        }

        if (!(ElasticAlpha >= 0) || double.IsInfinity(ElasticAlpha))
        {
            throw new ArgumentOutOfRangeException(nameof(ElasticAlpha), ElasticAlpha, "the elastic displacement must be a finite number of pixels >= 0");
        }

        if (!(ModelDiameter > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(ModelDiameter), ModelDiameter, "the model diameter must be positive");
        }

        _ = LearningRateSchedule.Build(LearningRate, Epochs);
    }
}
