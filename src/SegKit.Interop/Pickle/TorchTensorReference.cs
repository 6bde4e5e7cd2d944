namespace SegKit.Interop.Pickle;

/// <summary>A tensor as _rebuild_tensor_v2 describes it: a strided view of a storage.</summary>
internal sealed record TorchTensorReference(TorchStorageReference Storage, long Offset, long[] Shape, long[] Stride);
