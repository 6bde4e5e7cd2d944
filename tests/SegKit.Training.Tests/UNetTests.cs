using SegKit.Training.Models;
using TorchSharp;

namespace SegKit.Training.Tests;

public class UNetTests
{
    public UNetTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_2015_network_has_the_papers_layers()
    {
        // 23 convolutions of the paper, 1 input channel, 2 classes: counted by hand layer by layer
        // (down 18,842,048 + up 12,188,480 + 1x1 head 130).
        using var net = new UNet(UNetOptions.Original2015 with { InputChannels = 1, Classes = 2 });
        Assert.Equal(31_030_658, net.ParameterCount);
        Assert.Equal(388, net.OutputSize(572));
        Assert.Null(net.OutputSize(570));
    }

    [Fact]
    public void Valid_padding_crops_and_concatenates_572_to_388()
    {
        // The paper's geometry with narrow layers, so the test stays fast.
        using var net = new UNet(UNetOptions.Original2015 with { BaseWidth = 4 });
        net.eval();
        using var scope = torch.NewDisposeScope();
        var output = net.forward(torch.randn(1, 1, 572, 572));
        Assert.Equal(new long[] { 1, 2, 388, 388 }, output.shape);
        Assert.Throws<ArgumentException>(() => net.forward(torch.randn(1, 1, 570, 570)));
    }

    [Theory]
    [InlineData(UNetSkip.Concatenate, UNetUpsampling.TransposedConvolution, 64, 64)]
    [InlineData(UNetSkip.Add, UNetUpsampling.Nearest, 37, 50)]
    [InlineData(UNetSkip.Concatenate, UNetUpsampling.Bilinear, 101, 99)]
    [InlineData(UNetSkip.Add, UNetUpsampling.TransposedConvolution, 45, 33)]
    public void Same_padding_keeps_any_size(UNetSkip skip, UNetUpsampling upsampling, int height, int width)
    {
        using var net = new UNet(UNetOptions.Modern with { BaseWidth = 4, Depth = 3, Classes = 3, InputChannels = 2, Skip = skip, Upsampling = upsampling });
        net.eval();
        using var scope = torch.NewDisposeScope();
        var output = net.forward(torch.randn(2, 2, height, width));
        Assert.Equal(new long[] { 2, 3, height, width }, output.shape);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new UNet(UNetOptions.Modern with { Depth = 0 }));
        Assert.Throws<ArgumentException>(() => new UNet(UNetOptions.Modern with { BottleneckDropout = 1.0 }));
    }
}
