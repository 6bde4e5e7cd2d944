using SegKit.Core.IO;

namespace SegKit.Cli;

/// <summary>Draws average precision against the IoU threshold (one line per series) as a PNG.</summary>
internal static class PrecisionPlot
{
    public static void WritePng(string path, IReadOnlyList<double> thresholds, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> series)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = thresholds.ToArray();
        foreach (var (label, values) in series)
        {
            var line = plot.Add.Scatter(xs, values.ToArray());
            line.LegendText = label;
            line.MarkerSize = 6;
        }

        plot.Title("Average precision vs IoU threshold");
        plot.XLabel("IoU threshold");
        plot.YLabel("AP = TP / (TP + FP + FN)");
        plot.Axes.SetLimits(thresholds.Min() - 0.02, thresholds.Max() + 0.02, 0, 1.02);
        plot.ShowLegend(ScottPlot.Alignment.LowerLeft);
        AtomicFile.WriteVia(path, temp => plot.SavePng(temp, 800, 500));
    }
}
