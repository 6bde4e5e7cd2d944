using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>Runs the dotnet CLI as a user would (see <see cref="ExternalProcess"/>), with its output and errors in one text.</summary>
internal static class DotNet
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
    {
        ExternalProcess run = ExternalProcess.Run("dotnet", workingDirectory, arguments);
        return (run.ExitCode, run.Combined);
    }
}
