using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.ML;
using SegKit.Core.Images;
using SegKit.Export;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.ML;
using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Benchmarks;

/// <summary>
/// 50 DSB2018 validation images (the 9 repeated) segmented from their files with an exported CellposeNet (widths 16-32-64-128,
/// tile 224): directly with CellposeSegmenter, and through the SegKit.ML pipeline, row by row with a PredictionEngine and as
/// one IDataView. The pipeline's overhead is the ratio to Direct.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class MLPipelineBenchmarks
{
    private const int Images = 50;

    private string[] _paths = [];
    private SegmentationModel _model = null!;
    private CellposeSegmenter _segmenter = null!;
    private MLContext _ml = null!;
    private ITransformer _pipeline = null!;
    private PredictionEngine<MicroscopyImageInput, SegmentedCells> _engine = null!;
    private IDataView _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        string folder = Path.Combine(SegKit.Testing.RepositoryLayout.Data, "nuclei-dsb2018", "val", "images");
        var files = ImageFile.ListImages(folder);
        _paths = Enumerable.Range(0, Images).Select(i => files[i % files.Count]).ToArray();

        TorchRuntime.EnsureLoaded();
        torch.manual_seed(0);
        using var net = new CellposeNet(CellposeNetOptions.Compact);
        net.eval();
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.Cellpose,
            InputChannels = ["cytoplasm", "nucleus"],
            Diameter = 17,
            TileSize = 224,
            TrainingData = "none (benchmark: random weights)",
            TrainedAt = DateTimeOffset.UnixEpoch,
            SegKitVersion = "benchmark",
        };
        string modelPath = Path.Combine(Directory.CreateTempSubdirectory("segkit-bench-").FullName, "cellpose.onnx");
        OnnxWriter.WriteFile(modelPath, CellposeNetExporter.Export(net, card));

        _model = SegmentationModel.Load(modelPath);
        _segmenter = new CellposeSegmenter(new OnnxTileNetwork(_model.Session, 3, _model.InputName, _model.OutputName), new CellposeSegmenterOptions { ModelDiameter = 17, TileSize = 224 });
        _ml = new MLContext(seed: 0);
        _data = _ml.Data.LoadFromEnumerable(_paths.Select(p => new MicroscopyImageInput { ImagePath = p }).ToList());
        _pipeline = _ml.Transforms.SegmentCells(modelPath).Fit(_data);
        _engine = _ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(_pipeline);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _model.Dispose();
    }

    [Benchmark(Baseline = true)]
    public long Direct()
    {
        long objects = 0;
        foreach (string path in _paths)
        {
            objects += _segmenter.Segment(ImageFile.Read(path)).Labels.MaxLabel;
        }

        return objects;
    }

    [Benchmark]
    public long PredictionEngine()
    {
        long objects = 0;
        var input = new MicroscopyImageInput();
        foreach (string path in _paths)
        {
            input.ImagePath = path;
            objects += _engine.Predict(input).ObjectCount;
        }

        return objects;
    }

    [Benchmark]
    public long DataView()
    {
        long objects = 0;
        foreach (SegmentedCells cells in _ml.Data.CreateEnumerable<SegmentedCells>(_pipeline.Transform(_data), reuseRowObject: true))
        {
            objects += cells.ObjectCount;
        }

        return objects;
    }
}
