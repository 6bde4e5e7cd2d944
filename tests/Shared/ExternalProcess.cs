using System.Diagnostics;
using System.Text;

namespace SegKit.Testing;

/// <summary>
/// Runs a program (the dotnet CLI, an installed tool) as a user would, collecting stdout and stderr apart and, in the
/// order they came, together; no MSBuild nodes are left behind and the test host's MSBuild settings do not leak in.
/// </summary>
internal sealed record ExternalProcess(int ExitCode, string Out, string Error, string Combined)
{
    public static ExternalProcess Run(string program, string workingDirectory, params string[] arguments) =>
        Run(program, workingDirectory, new Dictionary<string, string>(), arguments);

    /// <param name="environment">Variables to set (or replace) for the program, e.g. PATH or DOTNET_CLI_HOME.</param>
    public static ExternalProcess Run(string program, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // The test host's own MSBuild settings must not leak into a build or pack run from here.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        var combined = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Append(output, combined, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, combined, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.WaitForExit();
        return new ExternalProcess(process.ExitCode, output.ToString(), error.ToString(), combined.ToString());
    }

    private static void Append(StringBuilder stream, StringBuilder combined, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (combined)
        {
            stream.AppendLine(line);
            combined.AppendLine(line);
        }
    }

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}
