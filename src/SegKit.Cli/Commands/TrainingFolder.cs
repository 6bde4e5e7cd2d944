using System.Globalization;

namespace SegKit.Cli.Commands;

/// <summary>A <c>--train DIR[:WEIGHT]</c> value: a folder and its sampling weight per image.</summary>
internal sealed record TrainingFolder(string Path, double Weight)
{
    /// <summary>
    /// An existing directory is taken whole (so a path may contain ':'); otherwise the text after the last ':' is
    /// the weight and must be a positive number.
    /// </summary>
    public static TrainingFolder Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.LastIndexOf(':');
        if (Directory.Exists(text) || colon < 0)
        {
            return new TrainingFolder(text, 1);
        }

        string weight = text[(colon + 1)..];
        if (!double.TryParse(weight, NumberStyles.Float, CultureInfo.InvariantCulture, out double w) || !(w > 0) || double.IsInfinity(w))
        {
            throw new CliUsageException($"--train {text}: the weight '{weight}' is not a positive number");
        }

        return new TrainingFolder(text[..colon], w);
    }
}
