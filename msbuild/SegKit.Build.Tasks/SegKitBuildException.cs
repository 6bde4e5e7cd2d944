namespace SegKit.Build.Tasks;

/// <summary>A bad input found while building, carrying the error code and the file it concerns; logged as one MSBuild error.</summary>
internal sealed class SegKitBuildException(string code, string file, string message) : Exception(message)
{
    public string Code { get; } = code;

    public string File { get; } = file;
}
