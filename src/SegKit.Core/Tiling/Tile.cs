namespace SegKit.Core.Tiling;

/// <summary>One window of a <see cref="TilePlan"/>: its top-left corner in the padded image; all tiles share the plan's size.</summary>
public readonly record struct Tile(int Index, int Top, int Left);
