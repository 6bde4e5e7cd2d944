namespace SegKit.Onnx;

/// <summary>The network family a model card describes; it decides how the outputs are turned into masks.</summary>
public enum SegmentationModelKind
{
    /// <summary>Outputs flows (dY, dX) and cell probability; masks by following the flows.</summary>
    Cellpose,

    /// <summary>Outputs per-class scores; masks by arg-max and connected components.</summary>
    UNet,
}
