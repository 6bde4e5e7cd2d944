namespace SegKit.Onnx;

/// <summary>
/// Cellpose's size model, stored in the card: a ridge regression from a network's style vector (its deepest features,
/// averaged over space and L2-normalised) to the log of the objects' diameter relative to the model's diameter:
/// log(d / modelDiameter) = Coefficients . (style - StyleMean) + MeanLogRatio.
/// </summary>
public sealed record SizeModelParameters
{
    public SizeModelParameters(IReadOnlyList<float> styleMean, IReadOnlyList<float> coefficients, double meanLogRatio, int samples)
    {
        _ = styleMean ?? throw new ArgumentNullException(nameof(styleMean));
        _ = coefficients ?? throw new ArgumentNullException(nameof(coefficients));
        if (styleMean.Count == 0 || styleMean.Count != coefficients.Count)
        {
            throw new ArgumentException($"the style mean ({styleMean.Count}) and the coefficients ({coefficients.Count}) must have one length > 0", nameof(coefficients));
        }

        if (styleMean.Any(NotFinite) || coefficients.Any(NotFinite) || double.IsNaN(meanLogRatio) || double.IsInfinity(meanLogRatio))
        {
            throw new ArgumentException("size model parameters must be finite numbers", nameof(coefficients));
        }

        StyleMean = styleMean;
        Coefficients = coefficients;
        MeanLogRatio = meanLogRatio;
        Samples = samples;
    }

    public IReadOnlyList<float> StyleMean { get; }

    public IReadOnlyList<float> Coefficients { get; }

    public double MeanLogRatio { get; }

    /// <summary>How many (style, diameter) pairs it was fitted on.</summary>
    public int Samples { get; }

    /// <summary>
    /// Check the style estimate with the masks it gives: after segmenting at the estimate, measure the masks' median
    /// diameter and segment again there when it differs by more than the estimate's tolerance (Cellpose's size model
    /// always takes this masks step; here the second pass runs only for the images whose estimate was off).
    /// </summary>
    public bool Refine { get; init; }

    /// <summary>The objects' diameter in pixels for a normalised style vector of the same length.</summary>
    public double Estimate(IReadOnlyList<float> style, double modelDiameter)
    {
        if (style is null)
        {
            throw new ArgumentNullException(nameof(style));
        }

        if (style.Count != StyleMean.Count)
        {
            throw new ArgumentException($"a style of {style.Count} values for a size model of {StyleMean.Count}", nameof(style));
        }

        double y = MeanLogRatio;
        for (int i = 0; i < style.Count; i++)
        {
            y += Coefficients[i] * (style[i] - StyleMean[i]);
        }

        return modelDiameter * Math.Exp(y);
    }

    public bool Equals(SizeModelParameters? other) =>
        other is not null && StyleMean.SequenceEqual(other.StyleMean) && Coefficients.SequenceEqual(other.Coefficients)
        && MeanLogRatio.Equals(other.MeanLogRatio) && Samples == other.Samples && Refine == other.Refine;

    private static bool NotFinite(float v) => float.IsNaN(v) || float.IsInfinity(v);

    public override int GetHashCode() => (StyleMean.Count, MeanLogRatio, Samples).GetHashCode();
}
