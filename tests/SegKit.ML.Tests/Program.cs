using Microsoft.ML;

namespace SegKit.ML.Tests;

/// <summary>
/// The fresh process of the save/load test: <c>dotnet SegKit.ML.Tests.dll segment PIPELINE.zip OUT IMAGE...</c> loads the
/// saved pipeline with a new MLContext and writes each image's masks (int32, row-major) to OUT/i.bin.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 4 || args[0] != "segment")
        {
            Console.Error.WriteLine("usage: segment PIPELINE.zip OUT IMAGE...");
            return 2;
        }

        var ml = new MLContext();
        SegKitCatalog.Register(ml);
        ITransformer model = ml.Model.Load(args[1], out _);
        var engine = ml.Model.CreatePredictionEngine<MicroscopyImageInput, SegmentedCells>(model);
        for (int i = 3; i < args.Length; i++)
        {
            SegmentedCells cells = engine.Predict(new MicroscopyImageInput { ImagePath = args[i] });
            if (!cells.Succeeded)
            {
                Console.Error.WriteLine(cells.ImageError);
                return 1;
            }

            var bytes = new byte[cells.Masks.Length * sizeof(int)];
            Buffer.BlockCopy(cells.Masks, 0, bytes, 0, bytes.Length);
            File.WriteAllBytes(Path.Combine(args[2], $"{i - 3}.bin"), bytes);
        }

        return 0;
    }
}
