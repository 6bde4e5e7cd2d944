using SegKit.Onnx;
using SegKit.Training.Models;

namespace SegKit.Export;

/// <summary>
/// U-Net to ONNX (opset 17): the forward pass in evaluation mode (running batch-norm statistics, bottleneck dropout
/// as the identity) for every <see cref="UNetOptions"/> combination, with dynamic batch, height and width. Input
/// "image" [N, C, H, W], output "logits" [N, classes, H', W'] (H' = H with same padding; the valid centre, smaller
/// by 2 x <see cref="Halo"/>, with valid padding). Sizes that only appear at run time (odd sizes floored by pooling,
/// the paper's crop) are computed from the values' shapes, so one file serves every input size the network accepts.
/// </summary>
public static class UNetExporter
{
    public const string InputName = "image";
    public const string OutputName = "logits";

    /// <summary>Pixels lost at each border: 0 with same padding; with valid padding (input - output) / 2, the same for every accepted input (92 for the paper's network).</summary>
    public static int Halo(UNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Padding == UNetPadding.Same)
        {
            return 0;
        }

        int input = options.NextValidInputSize(1);
        return (input - options.OutputSize(input)!.Value) / 2;
    }

    /// <param name="card">When given, must describe this network: kind unet, its channel and class counts, and its halo.</param>
    public static OnnxModel Export(UNet net, ModelCard? card = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        UNetOptions o = net.Options;
        var metadata = NetworkArchitecture.Describe(o); // refuses options it has no export for
        CheckCard(card, o);
        var builder = new GraphBuilder("unet");
        var g = new OnnxGraphWriter(builder, net.state_dict());
        long padding = o.Padding == UNetPadding.Same ? 1 : 0;
        string x = builder.Input(InputName, OnnxElementType.Float, "N", o.InputChannels, "H", "W");

        var features = new string[o.Depth + 1];
        for (int d = 0; d <= o.Depth; d++)
        {
            features[d] = DoubleConvolution(g, d == 0 ? x : g.MaxPool2x2(features[d - 1]), $"down.{d}", padding, o.BatchNorm);
        }

        // The bottleneck dropout is the identity in evaluation mode.
        string y = features[^1];
        for (int d = o.Depth - 1; d >= 0; d--)
        {
            y = Up(g, y, features[d], $"up.{d}", o, padding);
        }

        string logits = g.Conv(y, "head", 1, 0);
        g.EnsureEveryWeightUsed("U-Net");
        builder.Node("Identity", [logits], [OutputName]);
        bool same = o.Padding == UNetPadding.Same;
        builder.Output(OutputName, OnnxElementType.Float, "N", o.Classes, same ? "H" : "H_out", same ? "W" : "W_out");
        return builder.ToModel(NetworkArchitecture.Merge(card, metadata));
    }

    private static void CheckCard(ModelCard? card, UNetOptions o)
    {
        if (card is null)
        {
            return;
        }

        string? problem = card.Kind != SegmentationModelKind.UNet ? $"its kind is {card.Kind}"
            : card.InputChannels.Count != o.InputChannels ? $"it names {card.InputChannels.Count} input channel(s), the network takes {o.InputChannels}"
            : card.Classes?.Count != o.Classes ? $"it names {card.Classes?.Count ?? 0} classes, the network outputs {o.Classes}"
            : card.Halo != Halo(o) ? $"its halo is {card.Halo}, the network's is {Halo(o)}"
            : o.Padding == UNetPadding.Valid && o.OutputSize(card.TileSize) is null ? $"its tile size {card.TileSize} is not an input this valid-padding U-Net accepts (next: {o.NextValidInputSize(card.TileSize)})"
            : null;
        if (problem is not null)
        {
            throw new ArgumentException($"the model card does not describe this U-Net: {problem}", nameof(card));
        }
    }

    private static string DoubleConvolution(OnnxGraphWriter g, string x, string prefix, long padding, bool batchNorm)
    {
        for (int i = 0; i < 2; i++)
        {
            x = g.Conv(x, $"{prefix}.conv{i}", 3, padding);
            if (batchNorm)
            {
                x = g.BatchNorm(x, $"{prefix}.norm{i}");
            }

            x = g.Relu(x);
        }

        return x;
    }

    /// <summary>One decoder level, as UNetUp computes it.</summary>
    private static string Up(OnnxGraphWriter g, string x, string skip, string prefix, UNetOptions o, long padding)
    {
        bool same = o.Padding == UNetPadding.Same;
        string up = o.Upsampling switch
        {
            UNetUpsampling.TransposedConvolution => g.ConvTranspose2x2(x, $"{prefix}.reduce"),

            // Same padding interpolates straight to the skip's size; valid padding doubles.
            UNetUpsampling.Nearest => g.Conv(same ? g.ResizeTo(x, skip, bilinear: false) : g.UpsampleNearest2x(x), $"{prefix}.reduce", 1, 0),
            UNetUpsampling.Bilinear => g.Conv(same ? g.ResizeTo(x, skip, bilinear: true) : g.UpsampleBilinear2x(x), $"{prefix}.reduce", 1, 0),
            var other => throw new NotSupportedException($"U-Net upsampling {other} has no ONNX export"),
        };

        if (same && o.Upsampling == UNetUpsampling.TransposedConvolution)
        {
            // Pooling floored an odd size: the doubled map is a pixel short there, padded with zeros at the end.
            up = g.PadBottomRightTo(up, skip);
        }
        else if (!same)
        {
            skip = g.CentreCropTo(skip, up);
        }

        string joined = o.Skip == UNetSkip.Concatenate ? g.ConcatChannels(skip, up) : g.Add(skip, up);
        return DoubleConvolution(g, joined, $"{prefix}.convs", padding, o.BatchNorm);
    }
}
