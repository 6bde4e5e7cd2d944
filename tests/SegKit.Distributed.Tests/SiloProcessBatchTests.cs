using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace SegKit.Distributed.Tests;

/// <summary>
/// Two real `segkit silo` processes on loopback and `segkit batch` as a process, as a user runs them; one silo is killed
/// with SIGKILL in the middle of an image.
/// </summary>
public sealed class SiloProcessBatchTests(ITestOutputHelper log) : IDisposable
{
    private readonly Job _job = new(images: 12);

    public void Dispose() => _job.Dispose();

    [Fact]
    public void A_job_survives_a_silo_killed_with_SIGKILL_mid_image()
    {
        using SiloProcess primary = SiloProcess.Start("silo-a");
        using SiloProcess victim = SiloProcess.Start("silo-b", primary.SiloPort);
        var clock = Stopwatch.StartNew();
        using Process batch = StartBatch(primary, victim);
        var output = new StringBuilder();
        batch.OutputDataReceived += (_, e) => Append(output, e.Data);
        batch.ErrorDataReceived += (_, e) => Append(output, e.Data);
        batch.BeginOutputReadLine();
        batch.BeginErrorReadLine();

        // Once silo-b has finished an image and begun another, kill it in the middle of that one.
        bool busy = victim.WaitFor(_ => victim.Count("finished") >= 1 && victim.Count("started") > victim.Count("finished"), TimeSpan.FromMinutes(2));
        Assert.True(busy, $"silo-b never got a second image:\n{string.Join('\n', victim.Lines)}\n--- batch\n{output}");
        victim.Kill();
        int doneByVictim = victim.Count("finished");

        Assert.True(batch.WaitForExit(TimeSpan.FromMinutes(4)), $"segkit batch did not finish:\n{output}");
        batch.WaitForExit();
        Assert.True(batch.ExitCode == 0, output.ToString());
        TimeSpan elapsed = clock.Elapsed;

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_job.Output, BatchReport.FileName)));
        JsonElement totals = report.RootElement.GetProperty("totals");
        Assert.Equal(12, totals.GetProperty("done").GetInt32());
        Assert.Equal(0, totals.GetProperty("failed").GetInt32());
        // The image silo-b died in was retried, on silo-a.
        Assert.True(totals.GetProperty("retries").GetInt32() >= 1, output.ToString());
        // silo-b is credited at most with what it finished: an image whose answer died with it is credited to silo-a,
        // which found its outputs complete on the retry.
        int creditedToVictim = totals.GetProperty("perSilo").TryGetProperty("silo-b", out JsonElement b) ? b.GetInt32() : 0;
        Assert.InRange(creditedToVictim, 0, doneByVictim);
        Assert.Equal(12 - creditedToVictim, totals.GetProperty("perSilo").GetProperty("silo-a").GetInt32());
        _job.AssertOutputsMatchSegkitSegment();
        log.WriteLine($"kill test: {elapsed.TotalSeconds:0.0} s, {totals.GetProperty("retries").GetInt32()} retries, silo-b finished {doneByVictim} before the kill (credited {creditedToVictim})\n{output}");
    }

    private Process StartBatch(SiloProcess a, SiloProcess b)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { Segkit.Dll, "batch", _job.Manifest, "--gateway", $"{a.GatewayPort}", $"{b.GatewayPort}", "--poll", "2", "--unresponsive", "8" })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }
}
