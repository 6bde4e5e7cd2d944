using System.Diagnostics;
using SegKit.Testing;

namespace SegKit.Build.Tests;

/// <summary>
/// A validation that cannot finish in time, or a build that is cancelled, stops the validator child process: neither
/// waits for the whole validation set nor leaves the process running after the build.
/// </summary>
[Collection(ConsumerCollection.Name)]
public sealed class ValidatorStopTests(PackedFeed feed)
{
    /// <summary>
    /// Copies of the two samples, run with the shipped model: minutes of work on any CPU, so the validator is certainly
    /// still busy when it is stopped.
    /// </summary>
    private const int Copies = 200;

    [Fact]
    public void A_validation_past_its_time_limit_is_stopped_with_SEGK1003()
    {
        ConsumerProject project = LongValidation("slowvalidation", "ValidationTimeoutSeconds=\"4\"");
        var clock = Stopwatch.StartNew();

        var (exit, log) = project.Build();

        Assert.NotEqual(0, exit);
        Assert.Contains("error SEGK1003: models/nuclei.onnx: the validator ran past the item's ValidationTimeoutSeconds (4 s) and was stopped", log);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"the build took {clock.Elapsed} with a 4 s limit:\n{log}");
        Assert.Empty(ValidatorsOf(project));
        Assert.False(File.Exists(Path.Combine(project.ValidationFolder, "nuclei.passed")));

        // Not a number, not positive: refused before anything runs.
        foreach (string bad in new[] { "soon", "0", "-5" })
        {
            project.WriteProject(Item($"ValidationTimeoutSeconds=\"{bad}\""));
            var (badExit, badLog) = project.Build();
            Assert.NotEqual(0, badExit);
            Assert.Contains($"error SEGK0006: models/nuclei.onnx: ValidationTimeoutSeconds '{bad}'", badLog);
        }
    }

    [Fact]
    public void A_cancelled_build_stops_its_validator_at_once()
    {
        ConsumerProject project = LongValidation("cancelledvalidation", "");
        // A build started as a background job of a non-interactive shell (as CI runners start jobs) inherits SIGINT
        // ignored, and the dotnet host keeps it so: perl (essential on Debian and Ubuntu) puts back the default a
        // terminal gives, so that the signal below reaches MSBuild as Ctrl+C does.
        var start = new ProcessStartInfo("perl") { WorkingDirectory = project.Directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"dotnet: $!\"", "dotnet", "build", "--nologo", "-c", "Release", "-nodeReuse:false", "-v:n" })
        {
            start.ArgumentList.Add(argument);
        }

        using Process build = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        build.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        build.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        build.BeginOutputReadLine();
        build.BeginErrorReadLine();
        try
        {
            var waiting = Stopwatch.StartNew();
            while (ValidatorsOf(project).Count == 0 && !build.HasExited && waiting.Elapsed < TimeSpan.FromMinutes(5))
            {
                Thread.Sleep(100);
            }

            Assert.True(ValidatorsOf(project).Count == 1, $"no validator started:\n{output}");
            // Let it get into the images, then Ctrl+C the build alone (a terminal would signal the validator as well;
            // an IDE's stop button or a CI job's cancel does not).
            Thread.Sleep(2000);
            Assert.False(build.HasExited, $"the build ended before it was cancelled:\n{output}");
            ExternalProcess.Run("kill", project.Directory, ["-INT", build.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            var stopping = Stopwatch.StartNew();

            Assert.True(build.WaitForExit(TimeSpan.FromSeconds(60)), $"the cancelled build still runs after a minute:\n{output}");
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(30), $"the cancelled build took {stopping.Elapsed} to stop:\n{output}");
            Assert.Empty(ValidatorsOf(project));
            Assert.Contains("SegKit: validation of models/nuclei.onnx stopped: the build was cancelled", output.ToString());
            Assert.False(File.Exists(Path.Combine(project.ValidationFolder, "nuclei.passed")));
        }
        finally
        {
            if (!build.HasExited)
            {
                build.Kill(entireProcessTree: true);
            }

            foreach (Process left in ValidatorsOf(project))
            {
                left.Kill();
            }
        }
    }

    private ConsumerProject LongValidation(string name, string options)
    {
        var project = new ConsumerProject(feed, name);
        project.AddModel(Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx"), "nuclei.onnx");
        foreach (string kind in new[] { "images", "masks" })
        {
            string folder = Path.Combine(project.Directory, kind);
            Directory.CreateDirectory(folder);
            foreach (string file in Directory.GetFiles(Path.Combine(feed.Samples, kind)))
            {
                for (var i = 0; i < Copies; i++)
                {
                    File.Copy(file, Path.Combine(folder, $"{i:000}_{Path.GetFileName(file)}"), overwrite: true);
                }
            }
        }

        project.WriteProject(Item(options));
        return project;
    }

    private static string Item(string options) => $"""
            <SegmentationModel Include="models/nuclei.onnx" ValidationImages="images" ValidationMasks="masks" MinimumAveragePrecision="0" {options} />
        """;

    /// <summary>The validator processes working on this project's request file, found by their command lines.</summary>
    private static List<Process> ValidatorsOf(ConsumerProject project)
    {
        string request = Path.Combine(project.ValidationFolder, "nuclei.request.txt");
        var found = new List<Process>();
        foreach (string folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int id))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(folder, "cmdline")).Contains(request, StringComparison.Ordinal))
                {
                    found.Add(Process.GetProcessById(id));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                // It ended while it was looked at.
            }
        }

        return found;
    }
}
