using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace SegKit.Benchmarks;

/// <summary>
/// A bounded load test of <c>segkit serve</c> on 127.0.0.1: the server runs as its own process (the build output's
/// segkit.dll), K clients each post the sample images in turn, back to back, for T seconds. Reports throughput,
/// latency percentiles of answered requests, status counts (429 = queue full), and the server's resident memory
/// sampled every 250 ms (start, after the warm-up, peak, end), so a growing footprint shows.
/// <c>dotnet run -c Release --project tests/SegKit.Benchmarks -- load-test [clients] [seconds] [serve options...]</c>
/// </summary>
internal static partial class ServiceLoadTest
{
    public static int Run(string[] args)
    {
        int clients = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        int seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 60;
        string root = SegKit.Testing.RepositoryLayout.Root;
        string segkit = Path.Combine(root, "src", "SegKit.Cli", "bin", "Release", "net10.0", "linux-x64", "segkit.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { segkit, "serve", "--port", "0" }.Concat(args.Skip(2)))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using Process server = Process.Start(start)!;
        try
        {
            Uri address = WaitForAddress(server);
            byte[][] images = Directory.GetFiles(Path.Combine(root, "models", "samples", "images"), "*.png").Order().Select(File.ReadAllBytes).ToArray();
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
            WaitReady(http);
            long rssStart = ResidentBytes(server.Id);

            // Warm-up: one request per image, alone.
            foreach (byte[] image in images)
            {
                Post(http, image).GetAwaiter().GetResult();
            }

            long rssWarm = ResidentBytes(server.Id);
            var memory = new List<long>();
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    memory.Add(ResidentBytes(server.Id));
                    await Task.Delay(250).ConfigureAwait(false);
                }
            });

            var results = new System.Collections.Concurrent.ConcurrentBag<(int Status, double Seconds)>();
            var clock = Stopwatch.StartNew();
            DateTime end = DateTime.UtcNow.AddSeconds(seconds);
            Task[] workers = Enumerable.Range(0, clients).Select(k => Task.Run(async () =>
            {
                for (int i = k; DateTime.UtcNow < end; i++)
                {
                    var one = Stopwatch.StartNew();
                    HttpStatusCode status = await Post(http, images[i % images.Length]).ConfigureAwait(false);
                    results.Add(((int)status, one.Elapsed.TotalSeconds));
                    if (status == HttpStatusCode.TooManyRequests)
                    {
                        // A well-behaved client backs off a little (here: not the full Retry-After, to keep the pressure on).
                        await Task.Delay(100).ConfigureAwait(false);
                    }
                }
            })).ToArray();
            Task.WaitAll(workers);
            double elapsed = clock.Elapsed.TotalSeconds;
            sampling.Cancel();
            sampler.Wait();
            long rssEnd = ResidentBytes(server.Id);

            double[] ok = results.Where(r => r.Status == 200).Select(r => r.Seconds).Order().ToArray();
            string statuses = string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"clients {clients}, {elapsed:0} s, serve options: {string.Join(' ', args.Skip(2))}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"answered {results.Count} ({statuses}); segmented {ok.Length / elapsed:0.00} images/s"));
            if (ok.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency of 200s: p50 {Percentile(ok, 0.5):0.00} s, p99 {Percentile(ok, 0.99):0.00} s, max {ok[^1]:0.00} s"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"server memory (RSS): start {rssStart / 1e6:0} MB, after warm-up {rssWarm / 1e6:0} MB, peak under load {memory.DefaultIfEmpty(0).Max() / 1e6:0} MB, end {rssEnd / 1e6:0} MB"));
            int halves = memory.Count / 2;
            if (halves > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean RSS, first half of the run {memory.Take(halves).Average() / 1e6:0} MB, second half {memory.Skip(halves).Average() / 1e6:0} MB"));
            }

            return results.Any(r => r.Status >= 500) ? 1 : 0;
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            server.WaitForExit();
        }
    }

    private static async Task<HttpStatusCode> Post(HttpClient http, byte[] image)
    {
        using var content = new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        using HttpResponseMessage response = await http.PostAsync("/segment", content).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.StatusCode;
    }

    private static Uri WaitForAddress(Process server)
    {
        while (server.StandardOutput.ReadLine() is { } line)
        {
            if (ListeningOn().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }

        throw new InvalidOperationException($"segkit serve stopped: {server.StandardError.ReadToEnd()}");
    }

    private static void WaitReady(HttpClient http)
    {
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if (http.GetAsync("/health/ready").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(100);
        }

        throw new TimeoutException("segkit serve did not become ready in 60 s");
    }

    private static long ResidentBytes(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    [GeneratedRegex(@"listening on (http://[^\s,]+)")]
    private static partial Regex ListeningOn();
}
