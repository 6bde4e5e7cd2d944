using BenchmarkDotNet.Running;

namespace SegKit.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- --filter '*Metrics*'
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- write-cli-inputs DIR   (inputs of scripts/time-cli.sh)
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- load-test CLIENTS SECONDS [segkit serve options]
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- write-large-image PATH SIDE [gray] | compare-masks WHOLE BLOCKS   (scripts/large-image.sh)
    // dotnet run -c Release --project tests/SegKit.Benchmarks -- memory-stages MODEL IMAGE DIAMETER BATCH   (docs/performance.md)
    private static void Main(string[] args)
    {
        if (args is ["write-cli-inputs", string folder])
        {
            CliInputs.Write(folder);
            return;
        }

        if (args is ["write-large-image", string path, string side, .. var rest] && rest is [] or ["gray"])
        {
            LargeImages.Write(path, int.Parse(side, System.Globalization.CultureInfo.InvariantCulture), gray: rest is ["gray"]);
            return;
        }

        if (args is ["compare-masks", string whole, string blocks])
        {
            LargeImages.Compare(whole, blocks);
            return;
        }

        if (args is ["memory-stages", string model, string image, string diameter, string batch])
        {
            MemoryStages.Run(model, image, double.Parse(diameter, System.Globalization.CultureInfo.InvariantCulture), int.Parse(batch, System.Globalization.CultureInfo.InvariantCulture));
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
