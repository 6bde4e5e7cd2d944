namespace SegKit.Training.Training;

/// <summary>Whether this CPU computes bfloat16 natively; elsewhere LibTorch emulates it and bf16 steps are slower than fp32.</summary>
public static class NativeBFloat16
{
    private static readonly Lazy<bool> Supported = new(Detect);

    public static bool IsSupported => Supported.Value;

    private static bool Detect()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!OperatingSystem.IsLinux() || !File.Exists(cpuinfo))
        {
            return false;
        }

        try
        {
            foreach (string line in File.ReadLines(cpuinfo))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal))
                {
                    string[] flags = line.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries);
                    return flags.Contains("avx512_bf16") || flags.Contains("amx_bf16");
                }
            }
        }
        catch (IOException)
        {
            // An unreadable cpuinfo means we cannot tell: fp32 is the safe answer.
        }

        return false;
    }
}
