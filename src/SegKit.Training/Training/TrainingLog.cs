using System.Globalization;
using System.Text;
using SegKit.Core.IO;

namespace SegKit.Training.Training;

/// <summary>The run's record: a CSV row per epoch, and PNG plots of the training loss and the validation metric.</summary>
public sealed class TrainingLog(string folder)
{
    public const string CsvName = "training_log.csv";
    public const string LossPlotName = "loss.png";
    public const string ValidationPlotName = "validation.png";

    private readonly List<EpochReport> _epochs = [];

    public IReadOnlyList<EpochReport> Epochs => _epochs;

    /// <summary>Seeds the log with epochs 1..<paramref name="upToEpoch"/> of a resumed run, read back from its CSV.</summary>
    public void Restore(int upToEpoch)
    {
        string path = Path.Combine(folder, CsvName);
        if (!File.Exists(path))
        {
            return;
        }

        foreach (string line in File.ReadLines(path).Skip(1))
        {
            string[] f = line.Split(',');
            int epoch = int.Parse(f[0], CultureInfo.InvariantCulture);
            if (epoch <= upToEpoch)
            {
                _epochs.Add(new EpochReport(epoch, int.Parse(f[1], CultureInfo.InvariantCulture), double.Parse(f[2], CultureInfo.InvariantCulture),
                    double.Parse(f[3], CultureInfo.InvariantCulture), f[4].Length == 0 ? null : double.Parse(f[4], CultureInfo.InvariantCulture),
                    TimeSpan.FromSeconds(double.Parse(f[5], CultureInfo.InvariantCulture))));
            }
        }
    }

    public void Add(EpochReport report, string metricName)
    {
        _epochs.Add(report);
        var csv = new StringBuilder("epoch,epochs,learning_rate,train_loss,validation,seconds\n");
        foreach (var e in _epochs)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{e.Epoch},{e.Epochs},{e.LearningRate:R},{e.TrainLoss:R},{(e.ValidationMetric is double v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty)},{e.Elapsed.TotalSeconds:0.###}\n");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(csv.ToString());
        AtomicFile.Write(Path.Combine(folder, CsvName), s => s.Write(bytes));
        Plot(Path.Combine(folder, LossPlotName), "Training loss", "loss", _epochs.Select(e => ((double)e.Epoch, e.TrainLoss)).ToList());
        var validated = _epochs.Where(e => e.ValidationMetric is not null).Select(e => ((double)e.Epoch, e.ValidationMetric!.Value)).ToList();
        if (validated.Count > 0)
        {
            Plot(Path.Combine(folder, ValidationPlotName), $"Validation {metricName}", metricName, validated);
        }
    }

    private static void Plot(string path, string title, string yLabel, List<(double X, double Y)> points)
    {
        var plot = new ScottPlot.Plot();
        var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        line.MarkerSize = points.Count > 50 ? 0 : 5;
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        AtomicFile.WriteVia(path, temp => plot.SavePng(temp, 800, 450));
    }
}
