namespace SegKit.Build.Tasks;

/// <summary>The figures the validator prints on its result line.</summary>
internal sealed class ValidatorOutcome(double averagePrecision, int images, int truePositives, int falsePositives, int falseNegatives)
{
    /// <summary>The line prefix the validator prints before its figures; anything else on stdout is progress.</summary>
    public const string Prefix = "SEGKIT-RESULT";

    public double AveragePrecision { get; } = averagePrecision;

    public int Images { get; } = images;

    public int TruePositives { get; } = truePositives;

    public int FalsePositives { get; } = falsePositives;

    public int FalseNegatives { get; } = falseNegatives;
}
