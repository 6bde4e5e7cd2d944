using System.Globalization;
using Microsoft.AspNetCore.Http;
using SegKit.Core.Dynamics;
using SegKit.Core.Images;
using SegKit.Inference;

namespace SegKit.Service;

/// <summary>
/// The query string of POST /segment (<c>model, diameter, channels, flowThreshold, cellprobThreshold, minSize, name</c>) or of
/// POST /segment/{id}/masks (the three thresholds), checked: a wrong value or an unknown parameter is a 400 with a
/// message naming it. A parameter that names a server path is refused: the service reads only the request's body.
/// </summary>
public sealed record SegmentQuery
{
    private static readonly string[] SegmentKeys = ["model", "diameter", "channels", "flowThreshold", "cellprobThreshold", "minSize", "name"];
    private static readonly string[] MasksKeys = ["flowThreshold", "cellprobThreshold", "minSize"];
    private static readonly string[] PathLikeKeys = ["path", "imagePath", "file", "filePath", "url", "uri"];

    public string? Model { get; init; }

    /// <summary>Null: estimate each image's diameter (Cellpose).</summary>
    public double? Diameter { get; init; }

    /// <summary>Cellpose-style channels (cytoplasm, nucleus); null: the model card's.</summary>
    public ChannelSelection? Channels { get; init; }

    /// <summary>Cell-probability threshold and minimum size; the flow threshold is <see cref="FlowThreshold"/>.</summary>
    public DynamicsOptions Dynamics { get; init; } = DynamicsOptions.Default;

    /// <summary>Null: the model card's flow threshold, else Cellpose's 0.4.</summary>
    public double? FlowThreshold { get; init; }

    public string? Name { get; init; }

    /// <summary>The query's values, or the reason it is refused.</summary>
    public static (SegmentQuery? Query, string? Error) Parse(IQueryCollection query, bool masksOnly)
    {
        ArgumentNullException.ThrowIfNull(query);
        string[] allowed = masksOnly ? MasksKeys : SegmentKeys;
        foreach (string key in query.Keys)
        {
            if (PathLikeKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                return (null, $"'{key}': the service never reads files on the server; send the image's bytes as the request body (or as a multipart form file)");
            }

            if (!allowed.Contains(key, StringComparer.Ordinal))
            {
                return (null, $"unknown parameter '{key}'; this request takes {string.Join(", ", allowed)}");
            }
        }

        var defaults = DynamicsOptions.Default;
        string? error = null;
        double? diameter = null;
        if (Text(query, "diameter") is { } d && !d.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            diameter = Number(d, "diameter", v => v > 0 && v <= 10_000, "a positive number of pixels (at most 10000), or auto", ref error);
        }

        ChannelSelection? channels = null;
        if (Text(query, "channels") is { } c)
        {
            string[] parts = c.Split(',');
            try
            {
                channels = parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int cytoplasm) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int nucleus)
                    ? ChannelSelection.FromCellpose(cytoplasm, nucleus)
                    : null;
            }
            catch (ArgumentException)
            {
                channels = null;
            }

            if (channels is null)
            {
                error ??= $"channels must be cytoplasm,nucleus in Cellpose's numbering (0 gray/none, 1 red, 2 green, 3 blue, 4 haematoxylin), e.g. 0,0 or 2,3, not '{c}'";
            }
        }

        double? flow = Text(query, "flowThreshold") is { } f ? Number(f, "flowThreshold", v => v is >= 0 and <= 10, "a number from 0 (no quality check) to 10", ref error) : null;
        double cellprob = Text(query, "cellprobThreshold") is { } p ? Number(p, "cellprobThreshold", v => v is >= -20 and <= 20, "a number from -20 to 20 (a logit; 0 is Cellpose's default)", ref error) ?? 0 : defaults.CellprobThreshold;
        int minSize = defaults.MinSize;
        if (Text(query, "minSize") is { } m)
        {
            if (int.TryParse(m, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value is >= 0 and <= 1_000_000)
            {
                minSize = value;
            }
            else
            {
                error ??= $"minSize must be a whole number of pixels from 0 to 1000000, not '{m}'";
            }
        }

        if (error is not null)
        {
            return (null, error);
        }

        string? name = Text(query, "name");
        if (name is not null && (name.Length > 255 || name.Any(char.IsControl)))
        {
            return (null, "name must be a file name of at most 255 printable characters");
        }

        return (new SegmentQuery
        {
            Model = Text(query, "model"),
            Diameter = diameter,
            Channels = channels,
            Dynamics = defaults with { CellprobThreshold = (float)cellprob, MinSize = minSize },
            FlowThreshold = flow,
            Name = name is null ? null : Path.GetFileName(name),
        }, null);
    }

    /// <summary>What a model is run with for this query (the flow threshold resolved against its card by <see cref="ModelSegmenter"/>).</summary>
    public SegmentOptions Options() => new() { Diameter = Diameter, Channels = Channels, Dynamics = Dynamics, FlowThreshold = FlowThreshold };

    private static string? Text(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[^1]) ? values[^1] : null;

    private static double? Number(string text, string key, Func<double, bool> valid, string expected, ref string? error)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && valid(value))
        {
            return value;
        }

        error ??= $"{key} must be {expected}, not '{text}'";
        return null;
    }
}
