namespace SegKit.Core.Metrics;

/// <summary>
/// The connected components of the bipartite overlap graph (objects as nodes, overlapping pairs as edges).
/// Objects in different components share no pixels, so a one-to-one assignment can be solved component by
/// component: thousands of objects become many tiny problems instead of one dense N x M one.
/// </summary>
internal sealed class OverlapComponents
{
    public OverlapComponents(LabelOverlap overlap)
    {
        IReadOnlyList<OverlapPair> pairs = overlap.Pairs;
        int truthNodes = overlap.TruthMaxLabel + 1;
        var parent = new int[truthNodes + overlap.PredictionMaxLabel + 1];
        for (int i = 0; i < parent.Length; i++)
        {
            parent[i] = i;
        }

        for (int k = 0; k < pairs.Count; k++)
        {
            int a = Find(parent, pairs[k].TruthLabel);
            int b = Find(parent, truthNodes + pairs[k].PredictionLabel);
            if (a != b)
            {
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }

        // Number components in order of their first pair, then bucket the pairs (a counting sort).
        var componentOfRoot = new int[parent.Length];
        Array.Fill(componentOfRoot, -1);
        var componentOfPair = new int[pairs.Count];
        int count = 0;
        for (int k = 0; k < pairs.Count; k++)
        {
            int root = Find(parent, pairs[k].TruthLabel);
            if (componentOfRoot[root] < 0)
            {
                componentOfRoot[root] = count++;
            }

            componentOfPair[k] = componentOfRoot[root];
        }

        Start = new int[count + 1];
        foreach (int c in componentOfPair)
        {
            Start[c + 1]++;
        }

        for (int c = 0; c < count; c++)
        {
            Start[c + 1] += Start[c];
        }

        PairIndices = new int[pairs.Count];
        var next = (int[])Start.Clone();
        for (int k = 0; k < pairs.Count; k++)
        {
            PairIndices[next[componentOfPair[k]]++] = k;
        }

        Count = count;
    }

    public int Count { get; }

    /// <summary>Indices into <see cref="LabelOverlap.Pairs"/>, grouped by component (ascending within one).</summary>
    public int[] PairIndices { get; }

    /// <summary>Component c's pairs are PairIndices[Start[c]..Start[c + 1]].</summary>
    public int[] Start { get; }

    public ReadOnlySpan<int> PairsOf(int component) => PairIndices.AsSpan(Start[component], Start[component + 1] - Start[component]);

    private static int Find(int[] parent, int x)
    {
        while (parent[x] != x)
        {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }

        return x;
    }
}
