using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SegKit.Distributed.Tests;

/// <summary>
/// A real `segkit silo` process on loopback, its output collected line by line. Disposing it kills it (by its own id)
/// if it is still running, so a failing test leaves no silo behind.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private SiloProcess(string name, int siloPort, int gatewayPort, int? primaryPort)
    {
        Name = name;
        GatewayPort = gatewayPort;
        SiloPort = siloPort;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Segkit.Dll, "silo", "--name", name, "--silo-port", $"{siloPort}", "--gateway-port", $"{gatewayPort}" })
        {
            start.ArgumentList.Add(a);
        }

        if (primaryPort is int primary)
        {
            start.ArgumentList.Add("--primary");
            start.ArgumentList.Add($"{primary}");
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IReadOnlyCollection<string> Lines => _lines;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a silo and waits until it says it is ready.</summary>
    public static SiloProcess Start(string name, int? primaryPort = null)
    {
        var silo = new SiloProcess(name, FreePort(), FreePort(), primaryPort);
        if (!silo.WaitFor(l => l.Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(90)))
        {
            string output = string.Join('\n', silo.Lines);
            silo.Dispose();
            throw new InvalidOperationException($"silo {name} did not start:\n{output}");
        }

        return silo;
    }

    public bool WaitFor(Func<string, bool> line, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_lines.Any(line))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return false;
    }

    public int Count(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster, whatever it was writing left as it was.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
