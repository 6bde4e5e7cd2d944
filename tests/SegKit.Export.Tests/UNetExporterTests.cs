using SegKit.Onnx;
using SegKit.Training;
using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Export.Tests;

public class UNetExporterTests
{
    public UNetExporterTests() => TorchRuntime.EnsureLoaded();

    /// <summary>A small U-Net with non-trivial batch-norm statistics (a few forward passes in training mode), in evaluation mode.</summary>
    internal static UNet TrainedLooking(UNetOptions options, int seed = 5)
    {
        torch.manual_seed(seed);
        var net = new UNet(options);
        if (options.BatchNorm)
        {
            net.train();
            int size = options.NextValidInputSize(64);
            using var scope = torch.NewDisposeScope();
            for (int i = 0; i < 3; i++)
            {
                net.forward((torch.randn(2, options.InputChannels, size, size) * 2) + 0.5);
            }
        }

        net.eval();
        return net;
    }

    private static double Difference(UNet net, int batch, int height, int width)
    {
        byte[] model = OnnxWriter.ToBytes(UNetExporter.Export(net));
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        var input = torch.randn(batch, net.Options.InputChannels, height, width);
        var expected = net.forward(input);
        return OnnxParity.MaxDifference(model, UNetExporter.InputName, UNetExporter.OutputName, input, expected);
    }

    [Theory]
    [InlineData(1, 64, 64)]
    [InlineData(2, 61, 75)]
    [InlineData(1, 100, 37)]
    [InlineData(1, 9, 13)]
    public void Modern_preset_matches_torchsharp_at_any_size(int batch, int height, int width)
    {
        using var net = TrainedLooking(UNetOptions.Modern with { Depth = 3, BaseWidth = 4, Classes = 3 });
        double difference = Difference(net, batch, height, width);
        Assert.True(difference < 1e-4, $"max |ONNX - TorchSharp| = {difference} at {batch}x{height}x{width}");
    }

    [Theory]
    [InlineData(2, 1, 60, 60)]
    [InlineData(2, 2, 64, 92)]
    [InlineData(2, 1, 100, 44)]
    [InlineData(3, 1, 108, 124)]
    public void Original2015_preset_matches_torchsharp_at_valid_sizes(int depth, int batch, int height, int width)
    {
        var options = UNetOptions.Original2015 with { Depth = depth, BaseWidth = 8 };
        Assert.NotNull(options.OutputSize(height));
        Assert.NotNull(options.OutputSize(width));
        using var net = TrainedLooking(options);
        double difference = Difference(net, batch, height, width);
        Assert.True(difference < 1e-4, $"max |ONNX - TorchSharp| = {difference} at {batch}x{height}x{width}");
    }

    [Theory]
    [InlineData(UNetUpsampling.TransposedConvolution, UNetPadding.Same, UNetSkip.Add, false)]
    [InlineData(UNetUpsampling.Nearest, UNetPadding.Same, UNetSkip.Concatenate, true)]
    [InlineData(UNetUpsampling.Bilinear, UNetPadding.Same, UNetSkip.Concatenate, true)]
    [InlineData(UNetUpsampling.Nearest, UNetPadding.Valid, UNetSkip.Add, false)]
    [InlineData(UNetUpsampling.Bilinear, UNetPadding.Valid, UNetSkip.Concatenate, true)]
    [InlineData(UNetUpsampling.TransposedConvolution, UNetPadding.Valid, UNetSkip.Add, true)]
    public void Every_upsampling_padding_and_skip_matches_torchsharp(UNetUpsampling upsampling, UNetPadding padding, UNetSkip skip, bool batchNorm)
    {
        var options = new UNetOptions { Depth = 3, BaseWidth = 4, Upsampling = upsampling, Padding = padding, Skip = skip, BatchNorm = batchNorm, BottleneckDropout = 0.3 };
        using var net = TrainedLooking(options);

        // Same padding at odd sizes (pooling floors them), valid padding at two accepted sizes.
        (int H, int W)[] sizes = padding == UNetPadding.Same ? [(61, 75), (37, 50)] : [(108, 108), (116, 124)];
        foreach (var (h, w) in sizes)
        {
            double difference = Difference(net, 2, h, w);
            Assert.True(difference < 1e-4, $"{upsampling}/{padding}/{skip}: max |ONNX - TorchSharp| = {difference} at {h}x{w}");
        }
    }

    [Fact]
    public void The_halo_is_half_of_what_valid_padding_trims()
    {
        Assert.Equal(92, UNetExporter.Halo(UNetOptions.Original2015)); // 572 -> 388 in the paper
        Assert.Equal(0, UNetExporter.Halo(UNetOptions.Modern));
        var options = UNetOptions.Original2015 with { Depth = 2, BaseWidth = 4 };
        using var net = TrainedLooking(options);
        var (_, shape) = OnnxParity.Run(OnnxWriter.ToBytes(UNetExporter.Export(net)), UNetExporter.InputName, UNetExporter.OutputName, torch.zeros(1, 1, 64, 84));
        Assert.Equal([1, 2, 64 - 40, 84 - 40], shape);
        Assert.Equal(20, UNetExporter.Halo(options));
    }

    [Fact]
    public void The_card_and_the_architecture_are_written_and_a_wrong_card_is_refused()
    {
        var options = UNetOptions.Original2015 with { Depth = 2, BaseWidth = 4 };
        using var net = TrainedLooking(options);
        var card = new ModelCard
        {
            Kind = SegmentationModelKind.UNet,
            InputChannels = ["gray"],
            Classes = ["background", "nucleus"],
            TileSize = 124,
            Halo = 20,
            TrainingData = "none",
            SegKitVersion = "test",
        };
        OnnxModel model = UNetExporter.Export(net, card);
        Assert.Equal(card, ModelCard.FromMetadata(model.Metadata));
        Assert.Equal("unet", model.Metadata[NetworkArchitecture.FamilyKey]);
        Assert.Equal("valid", model.Metadata["segkit.architecture.padding"]);
        Assert.Equal(17, model.OpsetImports.Single().Version);

        var wrongHalo = Assert.Throws<ArgumentException>(() => UNetExporter.Export(net, card with { Halo = 0, TileSize = 128 }));
        Assert.Contains("halo is 0, the network's is 20", wrongHalo.Message);
        var wrongTile = Assert.Throws<ArgumentException>(() => UNetExporter.Export(net, card with { TileSize = 126 }));
        Assert.Contains("tile size 126", wrongTile.Message);
        Assert.Throws<ArgumentException>(() => UNetExporter.Export(net, card with { Classes = ["a", "b", "c"] }));
    }

    [Fact]
    public void An_option_without_an_export_is_named()
    {
        torch.manual_seed(1);
        using var net = new UNet(new UNetOptions { Depth = 1, BaseWidth = 4, Upsampling = (UNetUpsampling)7 });
        var error = Assert.Throws<NotSupportedException>(() => UNetExporter.Export(net));
        Assert.Contains("upsampling 7", error.Message);
    }
}
