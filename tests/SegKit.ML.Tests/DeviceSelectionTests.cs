using Microsoft.ML;
using Microsoft.ML.Data;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;

namespace SegKit.ML.Tests;

/// <summary>
/// ML.NET's GPU selection on the CPU package of ONNX Runtime, and the ApplyOnnxModel limits that made the network step
/// a transform over an ONNX Runtime session. If a later ML.NET lifts them, these tests fail and say what to revisit.
/// </summary>
public class DeviceSelectionTests
{
    private readonly TestModels _models = TestModels.Shared;

    [Fact]
    public void GPU_with_fallback_runs_on_the_CPU_and_gives_the_CPU_masks()
    {
        Assert.True(OnnxSessions.CudaProblem(0) is not null, "this test is about a machine where CUDA cannot start");
        var ml = new MLContext(seed: 0);
        var images = ImageFile.ListImages(_models.SyntheticImages);
        var cpu = Segmentations.Run(ml, ml.Transforms.SegmentCells(_models.Cellpose).Fit(Segmentations.Paths(ml, [])), images);
        var gpu = Segmentations.Run(ml, ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { GpuDeviceId = 0, FallbackToCpu = true }).Fit(Segmentations.Paths(ml, [])), images);
        Assert.Equal(cpu.Select(c => c.Masks), gpu.Select(g => g.Masks));
    }

    [Fact]
    public void GPU_without_fallback_fails_with_the_reason_not_an_EntryPointNotFoundException()
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Transforms.SegmentCells(_models.Cellpose, new SegmentCellsOptions { GpuDeviceId = 0 }).Fit(Segmentations.Paths(ml, []));
        var engine = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(model);
        var error = Assert.ThrowsAny<Exception>(() => engine.Predict(new MicroscopyImageInput { ImagePath = ImageFile.ListImages(_models.SyntheticImages)[0] }));
        Exception root = error;
        while (root is not PipelineSettingsException && root.InnerException is not null)
        {
            root = root.InnerException;
        }

        var settings = Assert.IsType<PipelineSettingsException>(root);
        Assert.Contains("GPU 0 was asked for with fallbackToCpu: false", settings.Message);
        Assert.Contains(OnnxSessions.CudaProblem(0)!, settings.Message);
        if (!OnnxSessions.CudaAvailable())
        {
            Assert.Contains("no CUDA execution provider", settings.Message);
        }
    }

    [Fact]
    public void MLNET_ApplyOnnxModel_lets_EntryPointNotFoundException_escape_despite_fallbackToCpu()
    {
        var ml = new MLContext(seed: 0);
        string path = FixedTileModel(out _);
        var data = ml.Data.LoadFromEnumerable([new FixedTiles()]);
        Assert.Throws<EntryPointNotFoundException>(() => ml.Transforms.ApplyOnnxModel(["y"], ["x"], path, gpuDeviceId: 0, fallbackToCpu: true).Fit(data));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3)]
    public void MLNET_ApplyOnnxModel_cannot_take_a_per_row_tile_count(params int[] tilesPerRow)
    {
        // ML.NET 6.0.0 as 5.0.1: any variable-length vector input fails in OnnxTransformer's mapper (List.set_Item in
        // NamedOnnxValueGetterVec.GetNamedOnnxValueUnknownSize), one row of 3 tiles as much as rows of 1 and 3.
        var ml = new MLContext(seed: 0);
        string path = FixedTileModel(out int tileLength);
        var data = ml.Data.LoadFromEnumerable(tilesPerRow.Select(n => new VariableTiles { X = new float[n * tileLength] }));
        var shapes = new Dictionary<string, int[]> { ["x"] = [-1, 2, 8, 8] };
        var error = Assert.ThrowsAny<Exception>(() =>
            ml.Data.CreateEnumerable<TileOutput>(ml.Transforms.ApplyOnnxModel(["y"], ["x"], path, shapes, gpuDeviceId: null, fallbackToCpu: false).Fit(data).Transform(data), false).ToList());
        Assert.Contains("Index was out of range", error.ToString());
        Assert.Contains("GetNamedOnnxValueUnknownSize", error.ToString());
    }

    /// <summary>y = 2x on [N, 2, 8, 8] tiles.</summary>
    private static string FixedTileModel(out int tileLength)
    {
        var b = new GraphBuilder("double");
        string x = b.Input("x", OnnxElementType.Float, "N", 2, 8, 8);
        b.Node("Mul", [x, b.Initializer("two", [2f], 1)], ["y"]);
        b.Output("y", OnnxElementType.Float, "N", 2, 8, 8);
        string path = Path.Combine(TestModels.NewTempFolder(), "double.onnx");
        OnnxWriter.WriteFile(path, b.ToModel());
        tileLength = 2 * 8 * 8;
        return path;
    }

    public sealed class FixedTiles
    {
        [ColumnName("x")]
        [VectorType(2 * 8 * 8)]
        public float[] X { get; set; } = new float[2 * 8 * 8];
    }

    public sealed class VariableTiles
    {
        [ColumnName("x")]
        public float[] X { get; set; } = [];
    }

    public sealed class TileOutput
    {
        [ColumnName("y")]
        public float[] Y { get; set; } = [];
    }
}
