using SegKit.Onnx;
using SegKit.Training.Models;

namespace SegKit.Export;

/// <summary>
/// CellposeNet to ONNX (opset 17): the same computation as its forward pass in evaluation mode, with dynamic batch,
/// height and width (multiples of 8). Outputs "flows" [N, 3, H, W] (dY, dX, cell-probability logit) and "style".
/// The options are recorded beside the card (<see cref="NetworkArchitecture"/>) for <see cref="OnnxWeightImporter"/>.
/// </summary>
public static class CellposeNetExporter
{
    public const string InputName = "image";
    public const string OutputName = "flows";
    public const string StyleName = "style";

    public static OnnxModel Export(CellposeNet net, ModelCard? card = null)
    {
        ArgumentNullException.ThrowIfNull(net);
        var state = net.state_dict();
        var builder = new GraphBuilder("cellpose");
        var g = new OnnxGraphWriter(builder, state);
        int levels = net.Options.Widths.Count;
        int kernel = net.Options.Kernel;
        string x = builder.Input(InputName, OnnxElementType.Float, "N", net.Options.InputChannels, "H", "W");

        var features = new string[levels];
        for (int n = 0; n < levels; n++)
        {
            features[n] = ResidualDown(g, n == 0 ? x : g.MaxPool2x2(features[n - 1]), $"down.{n}", kernel);
        }

        string style = g.L2NormalisedGlobalAverage(features[^1]);
        int ups = levels;
        string y = ResidualUp(g, features[^1], features[^1], style, $"up.{ups - 1}", kernel);
        for (int n = ups - 2; n >= 0; n--)
        {
            y = ResidualUp(g, g.UpsampleNearest2x(y), features[n], style, $"up.{n}", kernel);
        }

        string output = BatchConv(g, y, "output", 1);
        builder.Node("Identity", [output], [OutputName]);
        builder.Node("Identity", [style], [StyleName]);
        builder.Output(OutputName, OnnxElementType.Float, "N", net.Options.OutputChannels, "H", "W");
        builder.Output(StyleName, OnnxElementType.Float, "N", net.Options.Widths[^1]);
        g.EnsureEveryWeightUsed("Cellpose network");
        return builder.ToModel(NetworkArchitecture.Merge(card, NetworkArchitecture.Describe(net.Options)));
    }

    private static string BatchConv(OnnxGraphWriter g, string x, string prefix, long kernel) =>
        g.Conv(g.Relu(g.BatchNorm(x, $"{prefix}.0")), $"{prefix}.2", kernel, kernel / 2);

    private static string Projection(OnnxGraphWriter g, string x, string prefix) =>
        g.Conv(g.BatchNorm(x, $"{prefix}.0"), $"{prefix}.1", 1, 0);

    private static string ResidualDown(OnnxGraphWriter g, string x, string p, long k)
    {
        string y = g.Add(Projection(g, x, $"{p}.proj"), BatchConv(g, BatchConv(g, x, $"{p}.conv.0", k), $"{p}.conv.1", k));
        return g.Add(y, BatchConv(g, BatchConv(g, y, $"{p}.conv.2", k), $"{p}.conv.3", k));
    }

    private static string Styled(OnnxGraphWriter g, string style, string x, string? skip, string p, long k)
    {
        string input = skip is null ? x : g.Add(x, skip);
        string styled = g.Add(input, g.AsChannelMap(g.Linear(style, $"{p}.full")));
        return BatchConv(g, styled, $"{p}.conv", k);
    }

    private static string ResidualUp(OnnxGraphWriter g, string x, string skip, string style, string p, long k)
    {
        string y = g.Add(Projection(g, x, $"{p}.proj"), Styled(g, style, BatchConv(g, x, $"{p}.conv0", k), skip, $"{p}.styled.0", k));
        return g.Add(y, Styled(g, style, Styled(g, style, y, null, $"{p}.styled.1", k), null, $"{p}.styled.2", k));
    }
}
