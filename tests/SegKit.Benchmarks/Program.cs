using BenchmarkDotNet.Running;

namespace SegKit.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- --filter '*Metrics*'
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
