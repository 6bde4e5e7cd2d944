namespace SegKit.Build.Tasks;

/// <summary>How a model reaches the application: inside the assembly, or as a file beside it.</summary>
internal enum ModelDeployment
{
    /// <summary>An embedded resource of the consumer's assembly (the default): nothing to ship beside it.</summary>
    Embedded,

    /// <summary>Copied to the output folder under models/; for models too large to embed.</summary>
    CopyToOutput,
}
