using Microsoft.ML.Transforms;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// Runs the segmentation network on a row's tiles, in batches of the configured size (the batches a
/// <see cref="SegKit.Core.Tiling.TiledPrediction"/> would run, so the numbers are the same).
/// </summary>
/// <remarks>
/// This is a transform over an ONNX Runtime session rather than ML.NET's ApplyOnnxModel because ApplyOnnxModel cannot take a
/// per-row tile count, re-checked with ML.NET 6.0.0 (as in 5.0.1): given a variable-length vector column, with the tile
/// count as the one unknown dimension (shapeDictionary [-1, C, T, T]) or without a shapeDictionary, it fits, then every row
/// fails inside its mapper, even a single one: "Index was out of range. Must be non-negative and less than the size of the
/// collection. (Parameter 'index')" from List.set_Item in OnnxTransformer.Mapper.NamedOnnxValueGetterVec.GetNamedOnnxValueUnknownSize
/// (DeviceSelectionTests.MLNET_ApplyOnnxModel_cannot_take_a_per_row_tile_count). A fixed-length column would fix the tile
/// count, and so the image size, per pipeline. The session is opened once per process and model and shared by every row
/// and thread (ONNX Runtime's Run is thread-safe).
/// </remarks>
[CustomMappingFactoryAttribute(Contract)]
public sealed class NetworkFactory : CustomMappingFactory<NetworkInputRow, NetworkOutputRow>
{
    public const string Contract = "SegKit.SegmentationNetwork.v1";

    public override Action<NetworkInputRow, NetworkOutputRow> GetMapping() => Map;

    internal static void Map(NetworkInputRow input, NetworkOutputRow output)
    {
        var settings = NetworkSettings.Parse(input.Settings);
        var grid = TileGrid.FromVector(input.Grid);
        if (grid.IsEmpty)
        {
            output.TileOutputs = [];
            output.Channels = 0;
            return;
        }

        LoadedNetwork network = NetworkCache.Get(settings);
        network.CheckTiles(grid);
        int t = grid.TileSize;
        int inLength = grid.Channels * t * t;
        int outChannels = network.Network.OutputChannels;
        int outLength = outChannels * t * t;
        var result = new float[grid.TileCount * outLength];
        int batch = Math.Min(settings.BatchSize, grid.TileCount);
        for (int start = 0; start < grid.TileCount; start += batch)
        {
            int count = Math.Min(batch, grid.TileCount - start);
            network.Network.Run(
                input.Tiles.AsSpan(start * inLength, count * inLength),
                count,
                grid.Channels,
                t,
                result.AsSpan(start * outLength, count * outLength));
        }

        output.TileOutputs = result;
        output.Channels = outChannels;
    }
}
