namespace SegKit.Core.Metrics;

/// <summary>
/// Maximum-weight one-to-one matching on the edges of one overlap component (weights &gt; 0, objects may stay
/// unmatched), by successive shortest augmenting paths with Dijkstra and node potentials.
/// </summary>
/// <remarks>
/// This is the optimum scipy's <c>linear_sum_assignment</c> finds on Cellpose's dense cost matrix: there a
/// non-overlapping pair costs 0, so extending a matching with such pairs changes nothing, and the best full
/// assignment restricted to overlapping pairs is the best matching here. Each augmentation gains less than
/// the previous one (the min-cost flow cost is convex in the flow), so the search stops at the first path
/// that would not add weight.
/// </remarks>
internal sealed class SparseAssignment
{
    private readonly int[] _truthLocal;
    private readonly int[] _predictionLocal;
    private readonly PriorityQueue<int, double> _queue = new();

    public SparseAssignment(int truthMaxLabel, int predictionMaxLabel)
    {
        _truthLocal = new int[truthMaxLabel + 1];
        _predictionLocal = new int[predictionMaxLabel + 1];
        Array.Fill(_truthLocal, -1);
        Array.Fill(_predictionLocal, -1);
    }

    /// <summary>
    /// Adds to <paramref name="chosen"/> the indices (into <paramref name="pairs"/>) of the pairs Cellpose's
    /// assignment at <paramref name="threshold"/> matches within the component made of <paramref name="component"/>:
    /// as many pairs with IoU &gt;= threshold as possible, ties broken by the largest sum of IoU over all matched pairs.
    /// </summary>
    /// <remarks>
    /// Cellpose's cost -(iou &gt;= th) - iou / (2 n_min) orders matchings the same way (its IoU term sums to less
    /// than 1). Here a pair above the threshold weighs K + iou with K = (smaller side of the component) + 1, which
    /// keeps the numbers near 1 so that rounding cannot blur IoU differences.
    /// </remarks>
    public void Solve(IReadOnlyList<OverlapPair> pairs, ReadOnlySpan<int> component, double threshold, List<int> chosen)
    {
        int left = 0;
        int right = 0;
        foreach (int k in component)
        {
            OverlapPair pair = pairs[k];
            if (_truthLocal[pair.TruthLabel] < 0)
            {
                _truthLocal[pair.TruthLabel] = left++;
            }

            if (_predictionLocal[pair.PredictionLabel] < 0)
            {
                _predictionLocal[pair.PredictionLabel] = right++;
            }
        }

        try
        {
            double bonus = Math.Min(left, right) + 1;
            Span<double> weight = component.Length <= 256 ? stackalloc double[component.Length] : new double[component.Length];
            for (int c = 0; c < component.Length; c++)
            {
                double iou = pairs[component[c]].IoU;
                weight[c] = (iou >= threshold ? bonus : 0) + iou;
            }

            if (left == 1 || right == 1)
            {
                // A star: only one of its edges can be used, the heaviest (the first on ties, as a stable sort would).
                int best = 0;
                for (int c = 1; c < component.Length; c++)
                {
                    if (weight[c] > weight[best])
                    {
                        best = c;
                    }
                }

                chosen.Add(component[best]);
                return;
            }

            SolveGeneral(pairs, component, weight, left, right, chosen);
        }
        finally
        {
            foreach (int k in component)
            {
                _truthLocal[pairs[k].TruthLabel] = -1;
                _predictionLocal[pairs[k].PredictionLabel] = -1;
            }
        }
    }

    private void SolveGeneral(IReadOnlyList<OverlapPair> pairs, ReadOnlySpan<int> component, ReadOnlySpan<double> weight, int left, int right, List<int> chosen)
    {
        int edges = component.Length;

        // Edges grouped by their truth (left) node, CSR style.
        var edgeStart = new int[left + 1];
        foreach (int k in component)
        {
            edgeStart[_truthLocal[pairs[k].TruthLabel] + 1]++;
        }

        for (int i = 0; i < left; i++)
        {
            edgeStart[i + 1] += edgeStart[i];
        }

        var edgeLeft = new int[edges];
        var edgeRight = new int[edges];
        var edgeWeight = new double[edges];
        var edgePair = new int[edges];
        var fill = (int[])edgeStart.Clone();
        double maxWeight = 0;
        for (int c = 0; c < component.Length; c++)
        {
            int k = component[c];
            int i = _truthLocal[pairs[k].TruthLabel];
            int e = fill[i]++;
            edgeLeft[e] = i;
            edgeRight[e] = _predictionLocal[pairs[k].PredictionLabel];
            edgeWeight[e] = weight[c];
            edgePair[e] = k;
            maxWeight = Math.Max(maxWeight, weight[c]);
        }

        // Edge costs are -weight. Potentials that make every residual edge's reduced cost non-negative at the start:
        // 0 on the left, the cheapest incoming edge on the right, the cheapest right node on the sink.
        var leftPotential = new double[left];
        var rightPotential = new double[right];
        for (int e = 0; e < edges; e++)
        {
            rightPotential[edgeRight[e]] = Math.Min(rightPotential[edgeRight[e]], -edgeWeight[e]);
        }

        double sinkPotential = 0;
        foreach (double p in rightPotential)
        {
            sinkPotential = Math.Min(sinkPotential, p);
        }

        var matchedEdgeOfLeft = new int[left];
        var matchedLeftOfRight = new int[right];
        Array.Fill(matchedEdgeOfLeft, -1);
        Array.Fill(matchedLeftOfRight, -1);
        var leftDistance = new double[left];
        var rightDistance = new double[right];
        var leftDone = new bool[left];
        var rightDone = new bool[right];
        var reachedBy = new int[right];

        // Ignore gains at rounding-noise level so that float error never adds a pointless augmentation.
        double tolerance = 1e-12 * Math.Max(1, maxWeight) * Math.Max(left, right);
        int rounds = Math.Min(left, right);
        for (int round = 0; round < rounds; round++)
        {
            Array.Fill(leftDistance, double.PositiveInfinity);
            Array.Fill(rightDistance, double.PositiveInfinity);
            Array.Clear(leftDone);
            Array.Clear(rightDone);
            _queue.Clear();
            for (int i = 0; i < left; i++)
            {
                if (matchedEdgeOfLeft[i] < 0)
                {
                    // Source -> free left node: cost 0, reduced by the potentials (the source's stays 0).
                    leftDistance[i] = Math.Max(0, -leftPotential[i]);
                    _queue.Enqueue(i, leftDistance[i]);
                }
            }

            double toSink = double.PositiveInfinity;
            int lastRight = -1;
            while (_queue.TryDequeue(out int node, out double d))
            {
                if (d >= toSink)
                {
                    break;
                }

                if (node < left)
                {
                    int i = node;
                    if (leftDone[i] || d > leftDistance[i])
                    {
                        continue;
                    }

                    leftDone[i] = true;
                    for (int e = edgeStart[i]; e < edgeStart[i + 1]; e++)
                    {
                        if (e == matchedEdgeOfLeft[i])
                        {
                            continue;
                        }

                        int j = edgeRight[e];
                        double nd = d + Math.Max(0, -edgeWeight[e] + leftPotential[i] - rightPotential[j]);
                        if (nd < rightDistance[j])
                        {
                            rightDistance[j] = nd;
                            reachedBy[j] = e;
                            _queue.Enqueue(left + j, nd);
                        }
                    }
                }
                else
                {
                    int j = node - left;
                    if (rightDone[j] || d > rightDistance[j])
                    {
                        continue;
                    }

                    rightDone[j] = true;
                    int owner = matchedLeftOfRight[j];
                    if (owner < 0)
                    {
                        double viaSink = d + Math.Max(0, rightPotential[j] - sinkPotential);
                        if (viaSink < toSink)
                        {
                            toSink = viaSink;
                            lastRight = j;
                        }

                        continue;
                    }

                    // Back along the matched edge: cost +weight.
                    double nd = d + Math.Max(0, edgeWeight[matchedEdgeOfLeft[owner]] + rightPotential[j] - leftPotential[owner]);
                    if (nd < leftDistance[owner])
                    {
                        leftDistance[owner] = nd;
                        _queue.Enqueue(owner, nd);
                    }
                }
            }

            // The path's true cost: reduced length plus the sink's potential (the source's is 0).
            if (lastRight < 0 || toSink + sinkPotential >= -tolerance)
            {
                break;
            }

            for (int i = 0; i < left; i++)
            {
                leftPotential[i] += leftDone[i] ? leftDistance[i] : toSink;
            }

            for (int j = 0; j < right; j++)
            {
                rightPotential[j] += rightDone[j] ? rightDistance[j] : toSink;
            }

            sinkPotential += toSink;

            for (int j = lastRight; ;)
            {
                int e = reachedBy[j];
                int i = edgeLeft[e];
                int previous = matchedEdgeOfLeft[i];
                matchedEdgeOfLeft[i] = e;
                matchedLeftOfRight[j] = i;
                if (previous < 0)
                {
                    break;
                }

                j = edgeRight[previous];
            }
        }

        for (int i = 0; i < left; i++)
        {
            if (matchedEdgeOfLeft[i] >= 0)
            {
                chosen.Add(edgePair[matchedEdgeOfLeft[i]]);
            }
        }
    }
}
