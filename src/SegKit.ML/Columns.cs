namespace SegKit.ML;

/// <summary>
/// The columns the SegKit transforms read and write. Their names are fixed because ML.NET rebuilds a CustomMapping
/// from its contract alone when a saved model is loaded: renamed columns would not survive Model.Save/Load.
/// </summary>
public static class Columns
{
    /// <summary>Input: the image file to segment (text).</summary>
    public const string ImagePath = "ImagePath";

    /// <summary>Raw pixels as read, channels x height x width (float vector).</summary>
    public const string Image = "Image";

    public const string ImageChannels = "ImageChannels";

    public const string ImageHeight = "ImageHeight";

    public const string ImageWidth = "ImageWidth";

    /// <summary>Empty when the row's image was read; otherwise the file and the problem. Later steps pass such rows through empty.</summary>
    public const string ImageError = "ImageError";

    /// <summary>Selected channels after percentile normalisation (float vector, channels x height x width).</summary>
    public const string Normalized = "Normalized";

    public const string NormalizedChannels = "NormalizedChannels";

    /// <summary>Fixed-size tiles, tile count x channels x tile x tile (float vector).</summary>
    public const string Tiles = "Tiles";

    /// <summary>Where the tiles come from (see <see cref="Transforms.TileGrid"/>), for blending and for sizing the masks.</summary>
    public const string TileGrid = "TileGrid";

    /// <summary>The network's output per tile, tile count x output channels x tile x tile (float vector).</summary>
    public const string TileOutputs = "TileOutputs";

    public const string TileOutputChannels = "TileOutputChannels";

    /// <summary>Tile outputs blended into one image at the network's scale, output channels x height x width (float vector).</summary>
    public const string Blended = "Blended";

    /// <summary>The label image, row-major, 0 = background (int vector of MaskHeight x MaskWidth).</summary>
    public const string Masks = "Masks";

    public const string MaskHeight = "MaskHeight";

    public const string MaskWidth = "MaskWidth";

    public const string ObjectCount = "ObjectCount";

    /// <summary>Settings columns: a constant text per step, the only place a step's settings survive Model.Save/Load.</summary>
    public const string NormalizeSettings = "SegKit.NormalizeSettings";

    public const string TileSettings = "SegKit.TileSettings";

    public const string NetworkSettings = "SegKit.NetworkSettings";

    public const string CellposeMaskSettings = "SegKit.CellposeMaskSettings";

    public const string ClassMapSettings = "SegKit.ClassMapSettings";

    public const string SegmentSettings = "SegKit.SegmentSettings";

    public const string ChannelCheckSettings = "SegKit.ChannelCheckSettings";
}
