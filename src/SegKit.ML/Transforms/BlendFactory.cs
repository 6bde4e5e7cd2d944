using Microsoft.ML.Transforms;
using SegKit.Core.Images;
using SegKit.Core.Tiling;

namespace SegKit.ML.Transforms;

/// <summary>Blends the tiles' outputs with Cellpose's taper window (<see cref="TileStitcher"/>) and crops the mirror padding.</summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class BlendFactory : CustomMappingFactory<BlendInputRow, BlendedRow>
{
    public const string Contract = "SegKit.BlendTiles.v1";

    public override Action<BlendInputRow, BlendedRow> GetMapping() => Map;

    internal static void Map(BlendInputRow input, BlendedRow output)
    {
        var grid = TileGrid.FromVector(input.Grid);
        if (grid.IsEmpty || input.TileOutputs.Length == 0)
        {
            output.Blended = [];
            return;
        }

        TilePlan plan = grid.Plan();
        int t = plan.TileSize;
        int length = input.Channels * t * t;
        if (input.TileOutputs.Length != plan.Tiles.Count * length)
        {
            throw new PipelineSettingsException($"{Columns.TileOutputs} holds {input.TileOutputs.Length} values; {plan.Tiles.Count} tiles of {input.Channels}x{t}x{t} expected");
        }

        var stitcher = new TileStitcher(plan, input.Channels);
        foreach (Tile tile in plan.Tiles)
        {
            stitcher.Add(tile, input.TileOutputs.AsSpan(tile.Index * length, length));
        }

        Image blended = stitcher.Result();
        output.Blended = blended.Buffer;
    }
}
