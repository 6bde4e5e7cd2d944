using SegKit.Core.Images;
using SegKit.Core.Tiling;
using SegKit.Core.Transforms;
using SegKit.Imaging;
using SegKit.Inference;
using SegKit.Onnx;
using SegKit.Testing;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Export.Tests;

public class ValidUNetTilingTests
{
    public ValidUNetTilingTests() => TorchRuntime.EnsureLoaded();

    /// <summary>
    /// The whole image in one TorchSharp pass: mirror-padded by the halo (and at the bottom and right up to a size
    /// the network accepts), output cropped back to the image.
    /// </summary>
    private static float[] WholeImage(UNet net, Image gray, int halo)
    {
        int h = gray.Height;
        int w = gray.Width;
        int ph = net.Options.NextValidInputSize(h + (2 * halo));
        int pw = net.Options.NextValidInputSize(w + (2 * halo));
        var padded = new float[ph * pw];
        for (int y = 0; y < ph; y++)
        {
            for (int x = 0; x < pw; x++)
            {
                padded[(y * pw) + x] = gray[0, TilePlan.Mirror(y - halo, h), TilePlan.Mirror(x - halo, w)];
            }
        }

        using var scope = torch.NewDisposeScope();
        var output = net.forward(torch.tensor(padded, [1, 1, ph, pw]));
        return output[.., .., ..h, ..w].contiguous().data<float>().ToArray();
    }

    [Theory]
    [InlineData(2, 92)]
    [InlineData(3, 140)]
    public void Tiled_onnx_logits_equal_a_whole_image_torchsharp_pass(int depth, int tile)
    {
        var options = UNetOptions.Original2015 with { Depth = depth, BaseWidth = 8 };
        using var net = UNetExporterTests.TrainedLooking(options);

        // PyTorch's default initialisation shrinks activations layer by layer; scaled up, the deep levels (where a
        // misaligned pooling grid shows) weigh in the output as they would in a trained network.
        using (torch.no_grad())
        {
            foreach (var (name, weight) in net.named_parameters().Where(p => p.name.EndsWith(".weight", StringComparison.Ordinal)))
            {
                weight.mul_(1.8);
            }
        }

        int halo = UNetExporter.Halo(options);
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = ["gray"],
            Classes = ["background", "foreground"],
            TileSize = tile,
            Halo = halo,
            TrainingData = "none (random weights)",
            SegKitVersion = "test",
        };
        string path = Path.Combine(Directory.CreateTempSubdirectory("segkit-valid-").FullName, "unet.onnx");
        OnnxWriter.WriteFile(path, UNetExporter.Export(net, card));

        using var model = SegmentationModel.Load(path);
        var segmenter = new UNetSegmenter(new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName), new UNetSegmenterOptions
        {
            TileSize = model.Card.TileSize,
            Halo = model.Card.Halo,
        });

        // A 150 x 130 crop of a real image: several tiles each way, the last ones reaching past the border.
        Image image = ImageFile.Read(Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_4be73d68.png")).ToGray().Crop(40, 30, 150, 130);
        Image logits = segmenter.Logits(image);
        float[] expected = WholeImage(net, Normalization.Normalize99(image), halo);
        double difference = expected.Zip(logits.Buffer, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(difference < 1e-4, $"max |tiled ONNX - whole-image TorchSharp| = {difference}");
        double mean = expected.Average();
        Assert.True(Math.Sqrt(expected.Select(v => (v - mean) * (v - mean)).Average()) > 0.05, "the logits hardly vary");

        if (depth == 3)
        {
            // Output side 52 is not a multiple of 8: stepping by it shifts the deepest pooling grid, which shows.
            var misaligned = new UNetSegmenter(new OnnxTileNetwork(model.Session, model.OutputChannels, model.InputName, model.OutputName), new UNetSegmenterOptions
            {
                TileSize = model.Card.TileSize,
                Halo = model.Card.Halo,
                DownsamplingFactor = 1,
            });
            double shifted = expected.Zip(misaligned.Logits(image).Buffer, (a, b) => Math.Abs((double)a - b)).Max();
            Assert.True(shifted > 1e-3, $"misaligned tiles differ by only {shifted}");
        }
    }
}
