using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SegKit.Build.Tasks;

/// <summary>
/// Runs the validator shipped in the package as a child process (ONNX Runtime and OpenCV are native: they stay out of
/// the MSBuild process). It is framework-dependent and finds its package dependencies (ONNX Runtime, OpenCvSharp) in
/// the consumer's NuGet package folders, which restore filled because SegKit.Build depends on them.
/// </summary>
internal static class ValidatorProcess
{
    /// <summary>
    /// Runs the validator to its end, or kills it when <paramref name="cancellation"/> fires (the build was cancelled:
    /// <see cref="OperationCanceledException"/>) or when it runs past <paramref name="timeout"/> (SEGK1003), so that a
    /// cancelled or stuck build leaves no validator behind.
    /// </summary>
    public static ValidatorOutcome Run(string identity, string dotnet, string validatorPath, IEnumerable<string> packageFolders, string requestPath, TimeSpan timeout, CancellationToken cancellation)
    {
        var arguments = new StringBuilder("exec");
        foreach (var folder in packageFolders)
            arguments.Append(" --additionalprobingpath ").Append(Quote(folder));
        arguments.Append(' ').Append(Quote(validatorPath)).Append(' ').Append(Quote(requestPath));
        var start = new ProcessStartInfo(dotnet, arguments.ToString())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        var stdout = new List<string>();
        var stderr = new List<string>();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            throw new SegKitBuildException(ErrorCodes.ValidatorFailed, identity, $"could not start the validator ({dotnet} {validatorPath}): {e.Message}");
        }

        using (process)
        {
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Add(e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Add(e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var clock = Stopwatch.StartNew();
            while (!process.WaitForExit(100))
            {
                if (cancellation.IsCancellationRequested)
                {
                    Kill(process);
                    throw new OperationCanceledException(cancellation);
                }

                if (clock.Elapsed > timeout)
                {
                    Kill(process);
                    throw new SegKitBuildException(ErrorCodes.ValidatorTimedOut, identity, string.Format(CultureInfo.InvariantCulture,
                        "the validator ran past the item's ValidationTimeoutSeconds ({0:0.###} s) and was stopped; raise the limit, or validate on fewer or smaller images", timeout.TotalSeconds));
                }
            }

            // The timed wait can return before the output is read to its end; this one cannot.
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw Failure(identity, process.ExitCode, stderr);
        }

        var result = stdout.LastOrDefault(l => l.StartsWith(ValidatorOutcome.Prefix + " ", StringComparison.Ordinal))
            ?? throw new SegKitBuildException(ErrorCodes.ValidatorFailed, identity, "the validator finished without its result line");
        return Parse(identity, result);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It ended on its own meanwhile.
        }

        process.WaitForExit();
    }

    /// <summary>The validator prints "SEGKxxxx: message" as its last error line; a crash without one is reported by exit code.</summary>
    private static SegKitBuildException Failure(string identity, int exitCode, List<string> stderr)
    {
        var last = stderr.LastOrDefault(l => l.StartsWith("SEGK", StringComparison.Ordinal));
        if (last is not null && last.Length > 10 && last[8] == ':')
            return new SegKitBuildException(last.Substring(0, 8), identity, last.Substring(9).Trim());
        var tail = stderr.Where(l => l.Trim().Length > 0).Take(1).FirstOrDefault();
        return new SegKitBuildException(ErrorCodes.ValidatorFailed, identity, $"the validator exited with code {exitCode}{(tail is null ? "" : ": " + tail.Trim())}");
    }

    private static ValidatorOutcome Parse(string identity, string line)
    {
        var values = line.Substring(ValidatorOutcome.Prefix.Length).Split([' '], StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        try
        {
            return new ValidatorOutcome(
                double.Parse(values["ap"], NumberStyles.Float, CultureInfo.InvariantCulture),
                int.Parse(values["images"], CultureInfo.InvariantCulture),
                int.Parse(values["tp"], CultureInfo.InvariantCulture),
                int.Parse(values["fp"], CultureInfo.InvariantCulture),
                int.Parse(values["fn"], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or OverflowException)
        {
            throw new SegKitBuildException(ErrorCodes.ValidatorFailed, identity, $"the validator's result line is not readable: {line}");
        }
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\\\"") + "\"";
}
