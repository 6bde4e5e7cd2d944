using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SegKit.Cli.Tests;

/// <summary>segkit serve as a user starts it: its own process on a free port, with the bundled models.</summary>
public sealed partial class ServeCommandTests
{
    [Fact]
    public async Task Serve_answers_with_the_bundled_models_behind_its_api_key_and_stops_on_a_signal()
    {
        string segkit = Path.Combine(AppContext.BaseDirectory, "segkit.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { segkit, "serve", "--port", "0", "--api-key", "lab-secret-1", "--queue", "2", "--metrics" })
        {
            start.ArgumentList.Add(a);
        }

        using Process server = Process.Start(start)!;
        try
        {
            Uri address = ReadAddress(server);
            Assert.Equal("127.0.0.1", address.Host);
            using var client = new HttpClient { BaseAddress = address };
            await WaitReady(client);

            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/models")).StatusCode);
            client.DefaultRequestHeaders.Add("X-Api-Key", "lab-secret-1");
            using JsonDocument models = JsonDocument.Parse(await client.GetStringAsync("/models"));
            Assert.Equal(["membranes", "nuclei"], models.RootElement.EnumerateArray().Select(m => m.GetProperty("name").GetString()));

            string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
            var content = new ByteArrayContent(File.ReadAllBytes(image)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
            using HttpResponseMessage answer = await client.PostAsync("/segment?name=dsb_4be73d68.png", content);
            Assert.True(answer.IsSuccessStatusCode, await answer.Content.ReadAsStringAsync());
            using JsonDocument result = JsonDocument.Parse(await answer.Content.ReadAsStringAsync());

            // The same count segkit segment prints for this image.
            CliRun segment = CliRun.Of("segment", image, "--out", Repo.NewTempDir());
            Assert.Contains($"dsb_4be73d68.png: {result.RootElement.GetProperty("objectCount").GetInt32()} objects", segment.Out);

            // --metrics: the service's meter, exported by OpenTelemetry for Prometheus.
            string metrics = await client.GetStringAsync("/metrics");
            Assert.Matches(@"segkit_requests\S*\{[^}]*endpoint=""segment""[^}]*status=""200""[^}]*\} 1", metrics);
            Assert.Contains("segkit_queue_waiting", metrics);
        }
        finally
        {
            // SIGTERM, as a service manager stops it: the host shuts down cleanly.
            Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).WaitForExit();
            Assert.True(server.WaitForExit(30_000), "segkit serve did not stop on SIGTERM");
        }

        Assert.Equal(0, server.ExitCode);
    }

    [Theory]
    [InlineData("--port", "70000", "--port must be 0 to 65535, not 70000")]
    [InlineData("--models", "/nonexistent/models", "--models /nonexistent/models: no such folder")]
    public void Wrong_options_stop_with_a_usage_error(string option, string value, string message)
    {
        CliRun run = CliRun.Of("serve", option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Error);
    }

    private static Uri ReadAddress(Process server)
    {
        while (server.StandardOutput.ReadLine() is { } line)
        {
            if (Listening().Match(line) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }
        }

        throw new InvalidOperationException($"segkit serve stopped before listening: {server.StandardError.ReadToEnd()}");
    }

    private static async Task WaitReady(HttpClient client)
    {
        for (int i = 0; i < 600; i++)
        {
            if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode)
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("segkit serve did not become ready in 60 s");
    }

    [GeneratedRegex(@"segkit serve: listening on (http://[^\s,]+)")]
    private static partial Regex Listening();
}
