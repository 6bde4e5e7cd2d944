using System.Globalization;

namespace SegKit.Build.Validator;

/// <summary>
/// What the build task asks for, read from the request file it writes: tab-separated lines "model PATH",
/// "iou X", "minimum X", "report PATH" and one "pair NAME IMAGE MASK" per validation image.
/// </summary>
internal sealed record ValidationRequest(string Model, double IoUThreshold, double Minimum, string Report, IReadOnlyList<ValidationPair> Pairs)
{
    public static ValidationRequest Read(string path)
    {
        string? model = null, report = null;
        double? iou = null, minimum = null;
        var pairs = new List<ValidationPair>();
        foreach (string line in File.ReadAllLines(path).Where(l => l.Length > 0))
        {
            string[] f = line.Split('\t');
            switch (f[0])
            {
                case "model" when f.Length == 2: model = f[1]; break;
                case "report" when f.Length == 2: report = f[1]; break;
                case "iou" when f.Length == 2: iou = double.Parse(f[1], CultureInfo.InvariantCulture); break;
                case "minimum" when f.Length == 2: minimum = double.Parse(f[1], CultureInfo.InvariantCulture); break;
                case "pair" when f.Length == 4: pairs.Add(new ValidationPair(f[1], f[2], f[3])); break;
                default: throw new FormatException($"{path}: unexpected request line '{line}'");
            }
        }

        return new ValidationRequest(
            model ?? throw new FormatException($"{path}: no model line"),
            iou ?? throw new FormatException($"{path}: no iou line"),
            minimum ?? 0,
            report ?? throw new FormatException($"{path}: no report line"),
            pairs);
    }
}
