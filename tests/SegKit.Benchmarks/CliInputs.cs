using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Imaging;

namespace SegKit.Benchmarks;

/// <summary>
/// Writes the inputs scripts/time-cli.sh times whole segkit processes on: the benchmarks' tiled DSB label images and
/// their noisy network-style output (dP, cell probability) at 512, 1024 and 2048, and a 512 x 512 grey image.
/// </summary>
internal static class CliInputs
{
    public static void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (int size in new[] { 512, 1024, 2048 })
        {
            LabelImage labels = FlowsBenchmarkData.Labels(size);
            LabelImageFile.Write(Path.Combine(folder, $"labels_{size}.tif"), labels);
            var (flows, cellprob) = FlowsBenchmarkData.NoisyNetworkOutput(labels);
            NpyFile.Write(Path.Combine(folder, $"dP_{size}.npy"), flows.Buffer, 2, size, size);
            NpyFile.Write(Path.Combine(folder, $"cellprob_{size}.npy"), cellprob, size, size);
            if (size == 512)
            {
                // Bright nuclei on a dark, slightly noisy background: what the nuclei model is made for.
                var image = new LabelImage(size, size);
                var random = new Random(3);
                for (int i = 0; i < labels.Buffer.Length; i++)
                {
                    image.Buffer[i] = (labels.Buffer[i] > 0 ? 160 : 20) + random.Next(30);
                }

                LabelImageFile.Write(Path.Combine(folder, "nuclei_512.png"), image);
            }

            Console.WriteLine($"wrote the {size} x {size} inputs to {folder}");
        }
    }
}
