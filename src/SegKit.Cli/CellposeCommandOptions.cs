using System.CommandLine;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;

namespace SegKit.Cli;

/// <summary>
/// The Cellpose options that segment, eval and masks share (--diameter, --no-estimate, --channels, --tile-size,
/// --augment, --flow-threshold, --cellprob-threshold, --min-size), defined once with one mapping from bad values to usage errors, so the commands
/// cannot drift apart in what they accept.
/// </summary>
internal sealed class CellposeCommandOptions
{
    private CellposeCommandOptions(bool modelScale)
    {
        var defaults = DynamicsOptions.Default;
        // With a model, an absent --flow-threshold means the card's (a model may carry its own); without one, Cellpose's.
        FlowThreshold = modelScale
            ? new Option<double?>("--flow-threshold") { Description = $"Cellpose: drop masks whose flow error exceeds this (0 keeps all; default: the model card's, else {defaults.FlowThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)})." }
            : new Option<double?>("--flow-threshold") { DefaultValueFactory = _ => defaults.FlowThreshold, Description = "Cellpose: drop masks whose flow error exceeds this (0 keeps all)." };
        CellprobThreshold = new Option<float>("--cellprob-threshold") { DefaultValueFactory = _ => defaults.CellprobThreshold, Description = "Cellpose: pixels whose cell-probability logit is above this take part (lower finds more and larger objects)." };
        MinSize = new Option<int>("--min-size") { DefaultValueFactory = _ => defaults.MinSize, Description = "Remove objects smaller than this many pixels (0 keeps all)." };
        if (modelScale)
        {
            Diameter = new Option<double?>("--diameter") { Description = "Cellpose: object diameter in the images, in pixels (default: estimated per image by the card's size model, else from a first pass)." };
            NoEstimate = new Option<bool>("--no-estimate") { Description = "Cellpose without --diameter: run at the model's own diameter instead of estimating each image's." };
            Channels = new Option<string?>("--channels") { Description = "Channels to feed the model, Cellpose style: cytoplasm,nucleus (0 gray/none, 1 red, 2 green, 3 blue, 4 haematoxylin); default: the model card's." };
            TileSize = new Option<int?>("--tile-size") { Description = "Side of the tiles the network runs on, a multiple of 16 (default: the model card's, the size it was trained at); larger tiles overlap less." };
            Augment = new Option<bool>("--augment") { Description = "Models: average each tile with its flipped versions (4 network passes; slower, a little more accurate)." };
            Refine = new Option<bool>("--refine-diameter") { Description = "Cellpose with a size model: check each image's estimate with the masks it gives and segment again at their diameter where the two differ by more than 10%; --refine-diameter false turns off a card's refinement (default: the card's choice)." };
        }
    }

    public Option<double?> FlowThreshold { get; }

    public Option<float> CellprobThreshold { get; }

    public Option<int> MinSize { get; }

    public Option<double?>? Diameter { get; }

    public Option<bool>? NoEstimate { get; }

    public Option<string?>? Channels { get; }

    public Option<int?>? TileSize { get; }

    public Option<bool>? Augment { get; }

    public Option<bool>? Refine { get; }

    /// <summary>All nine, for commands that run a model (segment, eval).</summary>
    public static CellposeCommandOptions ForModels(Command command) => AddedTo(command, new CellposeCommandOptions(modelScale: true));

    /// <summary>The post-processing three, for commands that start from saved network outputs (masks).</summary>
    public static CellposeCommandOptions ForDynamics(Command command) => AddedTo(command, new CellposeCommandOptions(modelScale: false));

    /// <summary>The dynamics settings given, refused with a usage error when out of range.</summary>
    public DynamicsOptions Dynamics(ParseResult result, int? niter = null)
    {
        int minSize = result.GetValue(MinSize);
        if (minSize < 0)
        {
            throw new CliUsageException("--min-size must be zero or more (0 keeps all objects)");
        }

        try
        {
            return new DynamicsOptions
            {
                Niter = niter ?? DynamicsOptions.Default.Niter,
                MinSize = minSize,
                FlowThreshold = result.GetValue(FlowThreshold) ?? DynamicsOptions.Default.FlowThreshold,
                CellprobThreshold = result.GetValue(CellprobThreshold),
            };
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliUsageException(e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
        }
    }

    /// <summary>The segmentation settings given (segment, eval), refused with a usage error when out of range.</summary>
    /// <param name="estimate">Also estimate when --no-estimate is given (segment's --estimate-diameter, kept for scripts).</param>
    public SegmentOptions Segmentation(ParseResult result, bool estimate = false)
    {
        double? diameter = result.GetValue(Diameter!);
        if (diameter is double d && !(d > 0 && double.IsFinite(d)))
        {
            throw new CliUsageException("--diameter must be a positive number of pixels");
        }

        int? tileSize = result.GetValue(TileSize!);
        if (tileSize is int t && (t < 16 || t % 16 != 0))
        {
            throw new CliUsageException($"--tile-size must be a multiple of 16 pixels (the network halves the size four times), not {t}");
        }

        return new SegmentOptions
        {
            Diameter = diameter,
            TileSize = tileSize,
            EstimateDiameter = !result.GetValue(NoEstimate!) || estimate,
            Channels = ChannelSelectionOf(result),
            FlipAugmentation = result.GetValue(Augment!),
            RefineDiameter = result.GetResult(Refine!) is null ? null : result.GetValue(Refine!),
            Dynamics = Dynamics(result),

            // After Dynamics, which has refused a negative value with a usage error.
            FlowThreshold = result.GetValue(FlowThreshold),
        };
    }

    /// <summary>--channels as a selection; null when not given (the model card's).</summary>
    public ChannelSelection? ChannelSelectionOf(ParseResult result)
    {
        string? text = result.GetValue(Channels!);
        if (text is null)
        {
            return null;
        }

        string[] parts = text.Split(',');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int cytoplasm) || !int.TryParse(parts[1], out int nucleus))
        {
            throw new CliUsageException($"--channels takes two numbers, cytoplasm,nucleus (e.g. 0,0 or 2,3), not '{text}'");
        }

        try
        {
            return ChannelSelection.FromCellpose(cytoplasm, nucleus);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new CliUsageException($"--channels: {e.Message.Split(" (Parameter", StringSplitOptions.None)[0]}");
        }
    }

    private static CellposeCommandOptions AddedTo(Command command, CellposeCommandOptions options)
    {
        foreach (Option option in new Option?[] { options.Diameter, options.NoEstimate, options.Channels, options.TileSize, options.Augment, options.Refine, options.FlowThreshold, options.CellprobThreshold, options.MinSize }.OfType<Option>())
        {
            command.Options.Add(option);
        }

        return options;
    }
}
