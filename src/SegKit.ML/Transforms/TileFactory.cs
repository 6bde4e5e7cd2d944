using Microsoft.ML.Transforms;
using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Pipelines;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// Rescales to the model's diameter when asked (Core's <see cref="CellposePipeline.Rescale"/>, the step every segmenter uses) and cuts the image into the fixed-size, mirror-padded,
/// overlapping tiles of a <see cref="TilePlan"/>, all in one vector: the network sees [tile count, C, T, T].
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class TileFactory : CustomMappingFactory<TileInputRow, TiledRow>
{
    public const string Contract = "SegKit.TileImages.v1";

    public override Action<TileInputRow, TiledRow> GetMapping() => Map;

    internal static void Map(TileInputRow input, TiledRow output)
    {
        var settings = TileSettings.Parse(input.Settings);
        if (input.Normalized.Length == 0)
        {
            output.Tiles = [];
            output.Grid = [];
            return;
        }

        var image = new Image(input.Channels, input.Height, input.Width, input.Normalized);
        int h = image.Height;
        int w = image.Width;
        Image scaled = CellposePipeline.Rescale(image, settings.ModelDiameter, settings.Diameter);
        int sh = scaled.Height;
        int sw = scaled.Width;
        var plan = TilePlan.Create(sh, sw, settings.TileSize, settings.Overlap);
        int t = plan.TileSize;
        int tileLength = image.Channels * t * t;
        var tiles = new float[plan.Tiles.Count * tileLength];
        foreach (Tile tile in plan.Tiles)
        {
            plan.Extract(scaled, tile, tiles.AsSpan(tile.Index * tileLength, tileLength));
        }

        output.Tiles = tiles;
        output.Grid = new TileGrid(h, w, sh, sw, image.Channels, t, plan.Tiles.Count, settings.Overlap).ToVector();
    }
}
