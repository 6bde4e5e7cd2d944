namespace SegKit.Training;

/// <summary>How a shared library asks for one symbol version of one of its dependencies.</summary>
public enum VersionNeedStatus
{
    /// <summary>The library does not ask for that version.</summary>
    Absent,

    /// <summary>It asks, and the dynamic linker refuses to load it when the version is missing.</summary>
    Required,

    /// <summary>It asks, but the need is marked weak: a missing version does not stop the load.</summary>
    Weak,
}
