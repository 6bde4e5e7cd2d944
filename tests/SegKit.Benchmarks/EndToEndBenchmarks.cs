using BenchmarkDotNet.Attributes;
using SegKit.Core.Images;
using SegKit.Inference;

namespace SegKit.Benchmarks;

/// <summary>
/// A whole image through the shipped models/nuclei.onnx, as segkit segment runs it: normalisation, tiles of 224 in
/// batches through ONNX Runtime (CPU, 2 intra-op threads), taper blending, dynamics, object table. The image is a real
/// DSB2018 nucleus image tiled to S x S and run at the model's diameter (no estimation pass), like Cellpose's eval
/// with a given diameter.
/// </summary>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private SegmentationModel _model = null!;
    private Microsoft.ML.OnnxRuntime.InferenceSession _session = null!;
    private CellposeSegmenter _segmenter = null!;
    private Image _image = null!;

    [Params(512, 1024, 2048)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string path = Path.Combine(SegKit.Testing.RepositoryLayout.Root, "models", "nuclei.onnx");
        _model = SegmentationModel.Load(path);
        _session = OnnxSessions.Open(path, intraOpThreads: 2);
        var network = new OnnxTileNetwork(_session, _model.OutputChannels, _model.InputName, _model.OutputName);
        _segmenter = new CellposeSegmenter(network, new CellposeSegmenterOptions
        {
            ModelDiameter = _model.Card.Diameter ?? 30,
            TileSize = _model.Card.TileSize,
            InvertBrightBackground = _model.Card.InvertBrightBackground,
        });
        _image = BenchmarkFixtures.TiledNuclei(Size);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _session.Dispose();
        _model.Dispose();
    }

    [Benchmark]
    public int Segment() => _segmenter.Segment(_image).Labels.MaxLabel;
}
