namespace SegKit.Interop.Pickle;

/// <summary>
/// A pickle that names something SegKit will not construct: any global (module attribute) outside the few that
/// rebuild tensors and plain containers. Such a global is how a pickle runs code (os.system, builtins.eval), so
/// the file is refused as soon as the name is read; nothing is looked up or called.
/// </summary>
public sealed class PickleCodeException(string global, string message, string? filePath = null)
    : ModelFileException(message, filePath)
{
    /// <summary>The refused global as "module.name", e.g. "os.system".</summary>
    public string Global { get; } = global;
}
