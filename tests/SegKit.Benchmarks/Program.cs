using BenchmarkDotNet.Running;

namespace SegKit.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- --filter '*Metrics*'
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- write-cli-inputs DIR   (inputs of scripts/time-cli.sh)
    private static void Main(string[] args)
    {
        if (args is ["write-cli-inputs", string folder])
        {
            CliInputs.Write(folder);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
