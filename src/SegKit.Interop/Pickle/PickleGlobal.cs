namespace SegKit.Interop.Pickle;

/// <summary>A global a pickle may name: one of the few <see cref="PickleReader"/> knows how to build without running anything.</summary>
internal sealed record PickleGlobal(PickleGlobalKind Kind, string Module, string Name)
{
    public string FullName => $"{Module}.{Name}";
}
