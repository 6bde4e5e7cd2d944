namespace SegKit.Interop.Pickle;

/// <summary>A Python tuple read from a pickle.</summary>
internal sealed class PickleTuple(object?[] items)
{
    public static PickleTuple Empty { get; } = new([]);

    public IReadOnlyList<object?> Items { get; } = items;

    public int Count => Items.Count;

    public object? this[int index] => Items[index];
}
