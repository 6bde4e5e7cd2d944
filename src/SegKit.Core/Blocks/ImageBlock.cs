namespace SegKit.Core.Blocks;

/// <summary>
/// One block of a <see cref="BlockPlan"/>: the <paramref name="Core"/> it owns (the objects whose centres fall in it are
/// its) and the larger <paramref name="Read"/> region it is segmented on (the core and a margin of overlap, clipped to the image).
/// </summary>
public readonly record struct ImageBlock(int Row, int Column, BlockRegion Core, BlockRegion Read);
