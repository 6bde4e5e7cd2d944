namespace SegKit.Interop.Pickle;

/// <summary>The globals <see cref="PickleReader"/> accepts; every other name is refused.</summary>
internal enum PickleGlobalKind
{
    /// <summary>collections.OrderedDict, called with no arguments: an empty dict.</summary>
    OrderedDict,

    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]).</summary>
    RebuildTensor,

    /// <summary>torch._utils._rebuild_parameter(tensor, requires_grad, hooks): the tensor.</summary>
    RebuildParameter,

    /// <summary>torch.FloatStorage and its kin: named only inside a persistent id, never called.</summary>
    TorchStorage,

    /// <summary>numpy's _reconstruct(ndarray, shape, dtype code): an empty array that BUILD fills.</summary>
    NumpyReconstruct,

    /// <summary>numpy.ndarray: only as _reconstruct's first argument.</summary>
    NumpyArrayType,

    /// <summary>numpy.dtype(code, align, copy); BUILD then sets its byte order.</summary>
    NumpyDType,

    /// <summary>numpy's scalar(dtype, bytes): one number.</summary>
    NumpyScalar,
}
