using Microsoft.ML.Transforms;
using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.ML.Settings;

namespace SegKit.ML.Transforms;

/// <summary>
/// A U-Net's blended logits to objects, as <see cref="UNetSegmenter"/> finishes: softmax (sigmoid for one class), the most
/// probable class per pixel, connected components or a boundary watershed, small objects removed.
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class ClassMapInstancesFactory : CustomMappingFactory<ClassMapInputRow, MasksRow>
{
    public const string Contract = "SegKit.ClassMapInstances.v1";

    public override Action<ClassMapInputRow, MasksRow> GetMapping() => Map;

    internal static void Map(ClassMapInputRow input, MasksRow output)
    {
        var settings = ClassMapSettings.Parse(input.Settings);
        var grid = TileGrid.FromVector(input.Grid);
        if (grid.IsEmpty || input.Blended.Length == 0)
        {
            output.Set(null);
            return;
        }

        if (input.Channels != settings.Options.Classes)
        {
            throw new PipelineSettingsException($"the class-map step was set up for {settings.Options.Classes} classes but the network gives {input.Channels} output channel(s)");
        }

        if (grid.Rescaled)
        {
            throw new PipelineSettingsException("U-Net class maps are made at the image's own size: tile without a diameter");
        }

        // A copy: the blended column may be read again by other consumers of this row.
        var logits = new Image(input.Channels, grid.Height, grid.Width, (float[])input.Blended.Clone());
        UNetSegmenter.ToProbabilities(logits);
        output.Set(UNetSegmenter.Instances(logits, settings.Options));
    }
}
