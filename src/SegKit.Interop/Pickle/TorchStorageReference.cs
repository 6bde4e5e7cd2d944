using SegKit.Interop.Torch;

namespace SegKit.Interop.Pickle;

/// <summary>A persistent id ('storage', torch.XStorage, key, location, numel): the raw storage in the archive's data/KEY entry.</summary>
internal sealed record TorchStorageReference(string Key, TorchDataType DataType, long ElementCount);
