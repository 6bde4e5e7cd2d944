namespace SegKit.ML;

/// <summary>Which channels the normalisation step passes on.</summary>
public enum ChannelMapping
{
    /// <summary>Every channel as read.</summary>
    AsRead,

    /// <summary>One channel: the mean of the colour channels (U-Net input).</summary>
    Gray,

    /// <summary>Two channels, [cytoplasm, nucleus], chosen as Cellpose does (Cellpose input).</summary>
    Cellpose,
}
