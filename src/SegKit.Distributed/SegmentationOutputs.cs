using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Distributed;

/// <summary>
/// The files one segmented image leaves in an output folder, named after the input, and the one order they are written
/// in: every other output first, the label image last and atomically, so an input is done exactly when its masks file
/// exists. segkit segment and the distributed batch's workers both write through here, so a job's outputs are the same
/// whichever ran it, and a half-done image is always redone rather than trusted.
/// </summary>
public static class SegmentationOutputs
{
    public const string MasksSuffix = "_masks.tif";
    public const string OverlaySuffix = "_overlay.png";
    public const string ObjectsSuffix = "_objects.csv";
    public const string FlowsSuffix = "_flows.npy";
    public const string ProbabilitySuffix = "_cellprob.npy";

    /// <summary>The input's file name without its extension: the prefix of every output written for it.</summary>
    public static string Stem(string input) => Path.GetFileNameWithoutExtension(input);

    public static string PathOf(string outDir, string input, string suffix) => Path.Combine(outDir, Stem(input) + suffix);

    public static string MasksPath(string outDir, string input) => PathOf(outDir, input, MasksSuffix);

    /// <summary>
    /// <paramref name="inputs"/> without the image outputs of its other inputs (x_masks.tif and x_overlay.png beside
    /// x.png), as Cellpose skips its own _masks files: with the output folder also the input folder, a second run would
    /// otherwise segment its own label images and overlays (and then their outputs).
    /// </summary>
    public static IReadOnlyList<string> WithoutOutputsOf(IReadOnlyList<string> inputs, out IReadOnlyList<string> skipped)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        foreach (string input in inputs)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(input)) ?? string.Empty;
            outputs.Add(PathOf(folder, input, MasksSuffix));
            outputs.Add(PathOf(folder, input, OverlaySuffix));
        }

        var kept = new List<string>(inputs.Count);
        var dropped = new List<string>();
        foreach (string input in inputs)
        {
            (outputs.Contains(Path.GetFullPath(input)) ? dropped : kept).Add(input);
        }

        skipped = dropped;
        return kept;
    }

    /// <summary>Whether the input's outputs are all there: its label image, written last, exists.</summary>
    public static bool AreComplete(string outDir, string input) => File.Exists(MasksPath(outDir, input));

    /// <summary>
    /// Writes the object table, the outline overlay, with <paramref name="saveFlows"/> the network's flows and
    /// probability, then whatever <paramref name="extra"/> writes (formats of other tools), and the label image last.
    /// Each file is written atomically, so writing the same result again replaces every file with the same bytes.
    /// </summary>
    /// <exception cref="SegKit.Core.OutputWriteException">A file could not be written.</exception>
    public static void Write(string outDir, string input, Image image, SegmentationResult result, bool saveFlows = false, Action<LabelImage>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(result);
        LabelImage labels = result.Labels;
        ObjectTable.Write(PathOf(outDir, input, ObjectsSuffix), labels, image);
        Overlay.WritePng(PathOf(outDir, input, OverlaySuffix), image, labels);
        if (saveFlows && result.Flows is { } flows)
        {
            NpyFile.Write(PathOf(outDir, input, FlowsSuffix), flows.Data, 2, flows.Height, flows.Width);
        }

        if (saveFlows && result.Probability is { } probability)
        {
            NpyFile.Write(PathOf(outDir, input, ProbabilitySuffix), probability, labels.Height, labels.Width);
        }

        extra?.Invoke(labels);

        // The label image goes last: its presence is what marks an input as done.
        LabelImageFile.Write(MasksPath(outDir, input), labels);
    }
}
