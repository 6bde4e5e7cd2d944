namespace SegKit.Core.Metrics;

/// <summary>
/// One-to-one matching of ground-truth and predicted objects at an IoU threshold, as Cellpose v3's
/// <c>_true_positive</c> (and StarDist's <c>matching</c>) solve it with <c>linear_sum_assignment</c>.
/// </summary>
public static class ObjectMatching
{
    /// <summary>
    /// The pairs the assignment matches at <paramref name="threshold"/>: the largest possible number of pairs with
    /// IoU &gt;= threshold, and among those the matching with the largest IoU sum. Pairs below the threshold can be
    /// part of it (they count for the aggregated Jaccard index, not as true positives). Ordered by truth label.
    /// </summary>
    public static IReadOnlyList<OverlapPair> Assign(LabelOverlap overlap, double threshold)
    {
        ArgumentNullException.ThrowIfNull(overlap);
        InstanceMetrics.ValidateThreshold(threshold, nameof(threshold));
        List<int> indices = AssignIndices(overlap, threshold, new SparseAssignment(overlap.TruthMaxLabel, overlap.PredictionMaxLabel));
        var result = new OverlapPair[indices.Count];
        for (int k = 0; k < result.Length; k++)
        {
            result[k] = overlap.Pairs[indices[k]];
        }

        return result;
    }

    /// <summary>Indices into <see cref="LabelOverlap.Pairs"/> of the matched pairs, ascending.</summary>
    internal static List<int> AssignIndices(LabelOverlap overlap, double threshold, SparseAssignment solver)
    {
        OverlapComponents components = overlap.Components;
        IReadOnlyList<OverlapPair> pairs = overlap.Pairs;
        var chosen = new List<int>(Math.Min(overlap.TruthCount, overlap.PredictionCount));
        for (int c = 0; c < components.Count; c++)
        {
            ReadOnlySpan<int> component = components.PairsOf(c);
            if (component.Length == 1)
            {
                // The common case: an object overlapping one object only, and that one no other.
                chosen.Add(component[0]);
            }
            else
            {
                solver.Solve(pairs, component, threshold, chosen);
            }
        }

        chosen.Sort();
        return chosen;
    }
}
