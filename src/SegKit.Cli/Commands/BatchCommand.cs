using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SegKit.Core;
using SegKit.Distributed;

namespace SegKit.Cli.Commands;

/// <summary>
/// segkit batch: runs a job manifest on a cluster of segkit silos. The manifest is checked whole before anything is
/// handed out; images whose outputs are complete are skipped, so running the same manifest again resumes a job whose
/// driver died, and a silo that dies mid-job only costs its images a retry elsewhere.
/// </summary>
internal static class BatchCommand
{
    public static Command Create(CliConsole console)
    {
        var manifest = new Argument<string>("manifest") { Description = "The job manifest (JSON): inputs, model, settings, output." };
        var gateways = new Option<string[]>("--gateway") { DefaultValueFactory = _ => ["30000"], AllowMultipleArgumentsPerToken = true, Description = "Silo gateways to connect to, PORT or HOST:PORT (when the configuration has no Orleans section)." };
        var clusterId = new Option<string>("--cluster-id") { DefaultValueFactory = _ => LocalCluster.DefaultId, Description = "Cluster id (when the configuration has no Orleans section)." };
        var serviceId = new Option<string>("--service-id") { DefaultValueFactory = _ => LocalCluster.DefaultId, Description = "Service id (when the configuration has no Orleans section)." };
        var inFlight = new Option<int>("--max-in-flight") { DefaultValueFactory = _ => new BatchRunnerOptions().MaxInFlight, Description = "Images handed out and not yet answered (about silos x their --max-concurrent, plus one each)." };
        var attempts = new Option<int>("--attempts") { DefaultValueFactory = _ => new BatchRunnerOptions().MaxAttempts, Description = "Tries per image when its silo dies or its call times out." };
        var itemTimeout = new Option<double>("--item-timeout") { DefaultValueFactory = _ => new BatchRunnerOptions().ItemTimeout.TotalSeconds, Description = "Seconds one image may run before it is reported as failed." };
        var poll = new Option<double>("--poll") { DefaultValueFactory = _ => new BatchRunnerOptions().PollInterval.TotalSeconds, Description = "Seconds a silo holds a call before answering 'still running'." };
        var unresponsive = new Option<double>("--unresponsive") { DefaultValueFactory = _ => new BatchRunnerOptions().UnresponsiveAfter.TotalSeconds, Description = "Seconds past --poll without an answer before an image's silo is taken for dead and the image retried elsewhere." };
        var command = new Command("batch", $"Segment the images of a job manifest on segkit silos; outputs as segkit segment's, and {BatchReport.FileName} in the output folder.")
        {
            manifest, gateways, clusterId, serviceId, inFlight, attempts, itemTimeout, poll, unresponsive,
        };
        command.SetAction(result =>
        {
            TimeSpan timeout = Seconds(result.GetValue(itemTimeout), "--item-timeout");

            if (result.GetValue(inFlight) < 1 || result.GetValue(attempts) < 1)
            {
                throw new CliUsageException("--max-in-flight and --attempts must be at least 1");
            }

            var options = new BatchRunnerOptions
            {
                MaxInFlight = result.GetValue(inFlight),
                MaxAttempts = result.GetValue(attempts),
                ItemTimeout = timeout,
                PollInterval = Seconds(result.GetValue(poll), "--poll"),
                UnresponsiveAfter = Seconds(result.GetValue(unresponsive), "--unresponsive"),
            };
            IPEndPoint[] endpoints = result.GetValue(gateways)!.Select(g => Endpoints.Parse(g, "--gateway")).ToArray();
            return Execute(console, result.GetValue(manifest)!, endpoints, result.GetValue(clusterId)!, result.GetValue(serviceId)!, options);
        });
        return command;
    }

    private static TimeSpan Seconds(double value, string option) =>
        value > 0 && value < 1e7 ? TimeSpan.FromSeconds(value) : throw new CliUsageException($"{option} must be a positive number of seconds");

    private static int Execute(CliConsole console, string manifestPath, IPEndPoint[] gateways, string clusterId, string serviceId, BatchRunnerOptions options)
    {
        JobPlan plan = JobPlan.Prepare(BatchManifest.Read(manifestPath));
        IReadOnlyList<string> remaining = plan.Remaining();
        console.Out.WriteLine($"job {plan.Manifest}: {plan.Inputs.Count} image(s), {plan.Inputs.Count - remaining.Count} already done, model {plan.Model}, outputs in {plan.OutputFolder}");
        int finished = 0;
        options = options with
        {
            Finished = entry =>
            {
                int n = Interlocked.Increment(ref finished);
                string what = entry.Status == BatchReportEntry.Done
                    ? string.Create(CultureInfo.InvariantCulture, $"{entry.Objects} objects{(entry.Seconds is double s ? $" in {s:0.00} s" : " (already written)")} on {entry.Silo}")
                    : $"FAILED: {entry.Error}";
                lock (console)
                {
                    console.Error.WriteLine($"[{n}/{remaining.Count}] {Path.GetFileName(entry.Input)}: {what}");
                }
            },
            Retrying = retry =>
            {
                lock (console)
                {
                    console.Error.WriteLine($"retrying {Path.GetFileName(retry.Input)} (attempt {retry.Attempt}): {retry.Reason}");
                }
            },
        };

        IHost? client = null;
        BatchReport report;
        try
        {
            report = new BatchRunner(() =>
            {
                client = SegKitClusterHosting.CreateClientBuilder(gateways, options.CallTimeout, clusterId, serviceId).Build();
                try
                {
                    client.StartAsync().GetAwaiter().GetResult();
                }
                catch (Exception e) when (e is not SegKitException)
                {
                    throw new SegKitException($"cannot reach the cluster (gateways {string.Join(", ", gateways.Select(g => g.ToString()))}): {e.Message.Split('\n')[0]}");
                }

                return client.Services.GetRequiredService<IGrainFactory>();
            }, options).RunAsync(plan).GetAwaiter().GetResult();
        }
        finally
        {
            if (client is not null)
            {
                // A graceful goodbye, so the gateways drop this client at once instead of waiting to time it out.
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                client.StopAsync(stopping.Token).GetAwaiter().GetResult();
                client.Dispose();
            }
        }

        foreach (BatchReportEntry entry in report.Images.Where(e => e.Status == BatchReportEntry.Failed))
        {
            console.Error.WriteLine($"segkit: {entry.Input}: {entry.Error}");
        }

        string silos = string.Join(", ", report.PerSilo.Select(p => $"{p.Key} {p.Value}"));
        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{report.Images.Count} image(s): {report.Done} done, {report.Skipped} skipped, {report.Failed} failed; {report.Objects} objects; {report.Retries.Count} retries; {report.Seconds:0.0} s, {report.ImagesPerSecond:0.00} images/s{(silos.Length > 0 ? $"; per silo: {silos}" : "")}"));
        console.Out.WriteLine($"report: {report.Write()}");
        return report.Failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
