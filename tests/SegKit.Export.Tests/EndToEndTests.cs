using SegKit.Core.Metrics;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training.Data;
using SegKit.Training.Models;
using SegKit.Training.Training;

namespace SegKit.Export.Tests;

public class EndToEndTests
{
    [Fact]
    public void Train_export_and_segment_with_onnx_runtime()
    {
        string data = SyntheticData.Write(images: 4, size: 64, seed: 1);
        var set = SegmentationDataset.Load(data, SegmentationModelKind.Cellpose);
        string run = Directory.CreateTempSubdirectory("segkit-e2e-").FullName;
        var options = new TrainerOptions
        {
            Cellpose = new CellposeNetOptions { Widths = [8, 16, 32, 64] },
            Epochs = 120,
            BatchSize = 4,
            PatchSize = 64,
            LearningRate = 0.01,
            ValidateEvery = 1000,
            ModelDiameter = 13,
            Seed = 3,
        };
        var result = new Trainer(options, run).Run(set, set);

        var (model, trained, _) = Trainer.LoadModel(result.BestCheckpoint!);
        string onnxPath = Path.Combine(run, "model.onnx");
        OnnxWriter.WriteFile(onnxPath, CellposeNetExporter.Export((CellposeNet)model));
        model.Dispose();

        using var session = OnnxSessions.Open(onnxPath);
        var segmenter = new CellposeSegmenter(new OnnxTileNetwork(session, 3), new CellposeSegmenterOptions
        {
            ModelDiameter = trained.ModelDiameter,
            Diameter = set.MedianDiameter,
            TileSize = 64,
        });
        var evaluations = new List<InstanceEvaluation>();
        foreach (string image in ImageFile.ListImages(Path.Combine(data, "images")))
        {
            var truth = LabelImageFile.Read(Path.Combine(data, "masks", Path.GetFileName(image)));
            var segmented = segmenter.Segment(ImageFile.Read(image));
            evaluations.Add(InstanceMetrics.Evaluate(truth, segmented.Labels, [0.5]));
            Assert.Equal(segmented.Labels.MaxLabel, segmented.Objects.Count);
        }

        double ap = DatasetEvaluation.Combine(evaluations).Scores[0].AveragePrecision;
        Assert.True(ap >= 0.9, $"AP@0.5 through ONNX Runtime = {ap}; TorchSharp validation gave {result.BestMetric}");

        // Without a diameter, a first pass estimates it per image.
        var estimating = new CellposeSegmenter(new OnnxTileNetwork(session, 3), new CellposeSegmenterOptions
        {
            ModelDiameter = trained.ModelDiameter,
            EstimateDiameter = true,
            TileSize = 64,
        });
        var estimated = ImageFile.ListImages(Path.Combine(data, "images")).Select(image => InstanceMetrics.Evaluate(
            LabelImageFile.Read(Path.Combine(data, "masks", Path.GetFileName(image))), estimating.Segment(ImageFile.Read(image)).Labels, [0.5]));
        double apEstimated = DatasetEvaluation.Combine(estimated).Scores[0].AveragePrecision;
        Assert.True(apEstimated >= 0.85, $"AP@0.5 with an estimated diameter = {apEstimated}");
    }
}
