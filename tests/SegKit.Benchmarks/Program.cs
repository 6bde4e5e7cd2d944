using BenchmarkDotNet.Running;

namespace SegKit.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- --filter '*Metrics*'
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- write-cli-inputs DIR   (inputs of scripts/time-cli.sh)
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- load-test CLIENTS SECONDS [segkit serve options]
    private static void Main(string[] args)
    {
        if (args is ["write-cli-inputs", string folder])
        {
            CliInputs.Write(folder);
            return;
        }

        if (args is ["load-test", ..])
        {
            Environment.ExitCode = ServiceLoadTest.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
