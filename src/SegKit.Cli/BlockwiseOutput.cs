using System.Globalization;
using SegKit.Cli.Commands;
using SegKit.Core;
using SegKit.Core.Blocks;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Cli;

/// <summary>
/// segkit segment on an image segmented block by block: a TIFF is read by regions (any other format is decoded whole
/// first, within the size limit), the masks go to a tiled BigTIFF as the blocks finish, the object table follows from
/// the blocks' measurements; no overlay (the image may be far too large for one PNG). Blocks that could not be read are
/// reported as failures of the image while the rest is written.
/// </summary>
internal static class BlockwiseOutput
{
    /// <returns>The number of objects found.</returns>
    public static int Segment(CliConsole console, string file, ImageFileInfo info, SegmentBatch batch, BlockwiseSegmenter segmenter, List<string> failures)
    {
        if (info.Format != ImageFormat.Tiff)
        {
            CheckWholeImage(file, info, batch);
        }

        using IImageBlockSource source = info.Format == ImageFormat.Tiff ? TiffBlockSource.Open(file) : new InMemoryBlockSource(ImageFile.Read(file));
        string masks = Path.Combine(batch.OutDir, InputFiles.OutputStem(file) + SegmentCommand.MasksSuffix);
        using var writer = new TiledLabelTiffWriter(masks, source.Height, source.Width);
        // Progress about every 5% of the blocks: a whole-slide image takes minutes to hours.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (result, used) = segmenter.Run(source, writer, TiledLabelTiffWriter.TileSize, (done, total) =>
        {
            if (done == total || done % Math.Max(1, total / 20) == 0)
            {
                console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)}: block {done}/{total}, {clock.Elapsed.TotalSeconds:0} s"));
            }
        });
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Path.GetFileName(file)}: {source.Width}x{source.Height} in blocks of {used.BlockSize} with {used.Overlap} px of overlap{(used.Diameter is double d ? $", diameter {d:0.#} px" : "")}"));
        ObjectTable.Write(Path.Combine(batch.OutDir, InputFiles.OutputStem(file) + SegmentCommand.ObjectsSuffix), result.Objects);
        // The label image goes last: its presence is what marks an input as done.
        writer.Complete();
        foreach (string problem in result.Problems)
        {
            failures.Add($"{file}: {problem}");
        }

        return result.ObjectCount;
    }

    /// <summary>Refuses an image too large to segment in one piece, saying what would work instead.</summary>
    public static void CheckWholeImage(string file, ImageFileInfo info, SegmentBatch batch)
    {
        double megapixels = info.Height * (double)info.Width / 1e6;
        if (megapixels <= batch.MaxMegapixels)
        {
            return;
        }

        string format = info.Format.ToString().ToUpperInvariant();
        if (info.Format == ImageFormat.Tiff || batch.Blockwise is null)
        {
            ImageSizeLimit.Check(info.Height, info.Width, batch.MaxMegapixels, file);
        }

        double decodeBytes = megapixels * 1e6 * info.Channels * sizeof(float);
        string memory = decodeBytes >= 1e9 ? string.Create(CultureInfo.InvariantCulture, $"{decodeBytes / 1e9:0.#} GB") : string.Create(CultureInfo.InvariantCulture, $"{decodeBytes / 1e6:0} MB");
        throw new InvalidImageException(string.Create(CultureInfo.InvariantCulture,
            $"is {info.Width} x {info.Height} ({megapixels:0.#} megapixels), above the limit of {batch.MaxMegapixels:0.#} megapixels for one piece; a {format} cannot be read block by block, so it would have to be decoded whole first (about {memory}); convert it to a tiled TIFF (e.g. vips tiffsave --tile --bigtiff) and segkit segments it block by block, or raise --max-megapixels on a machine with that much memory"),
            file);
    }
}
