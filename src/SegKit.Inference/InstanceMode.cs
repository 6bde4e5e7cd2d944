namespace SegKit.Inference;

/// <summary>How a U-Net's class map becomes objects.</summary>
public enum InstanceMode
{
    /// <summary>Each connected region of the foreground class is an object.</summary>
    ConnectedComponents,

    /// <summary>
    /// Regions of the foreground class seed a watershed that grows over foreground and boundary pixels, ordered by
    /// the boundary probability: touching objects separated by a predicted boundary class stay apart and keep their full extent.
    /// </summary>
    BoundaryWatershed,
}
