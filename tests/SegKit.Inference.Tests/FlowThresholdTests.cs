using SegKit.Core.Dynamics;
using SegKit.Onnx;
using SegKit.Testing;

namespace SegKit.Inference.Tests;

/// <summary>A model card's own flow threshold: what every front door resolves through <see cref="ModelSegmenter.ResolveDynamics"/>.</summary>
public class FlowThresholdTests
{
    private static readonly ModelCard Card = SampleCard();

    [Fact]
    public void The_options_threshold_wins_then_the_cards_then_the_dynamics()
    {
        var custom = new DynamicsOptions { FlowThreshold = 0.7, CellprobThreshold = -1, MinSize = 3 };
        Assert.Equal(1.0, ModelSegmenter.ResolveDynamics(Card, new SegmentOptions()).FlowThreshold);
        Assert.Equal(1.0, ModelSegmenter.ResolveDynamics(Card, new SegmentOptions { Dynamics = custom }).FlowThreshold);
        Assert.Equal(0.2, ModelSegmenter.ResolveDynamics(Card, new SegmentOptions { Dynamics = custom, FlowThreshold = 0.2 }).FlowThreshold);
        Assert.Equal(0.7, ModelSegmenter.ResolveDynamics(Card with { FlowThreshold = null }, new SegmentOptions { Dynamics = custom }).FlowThreshold);
        Assert.Equal(DynamicsOptions.Default.FlowThreshold, ModelSegmenter.ResolveDynamics(Card with { FlowThreshold = null }, new SegmentOptions()).FlowThreshold);

        // Only the flow threshold comes from the card: the other settings stay the caller's.
        DynamicsOptions resolved = ModelSegmenter.ResolveDynamics(Card, new SegmentOptions { Dynamics = custom });
        Assert.Equal((-1f, 3), (resolved.CellprobThreshold, resolved.MinSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { FlowThreshold = -0.1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentOptions { FlowThreshold = double.NaN });
    }

    [Fact]
    public void The_shipped_nuclei_model_segments_with_its_cards_threshold_unless_told_otherwise()
    {
        using var model = SegmentationModel.Load(Path.Combine(RepositoryLayout.Root, "models", "nuclei.onnx"));
        Assert.Equal(1.0, model.Card.FlowThreshold);
        Assert.Equal(1.0, model.CreateSegmenter().CellposeOptions!.Dynamics.FlowThreshold);
        Assert.Equal(0.4, model.CreateSegmenter(new SegmentOptions { FlowThreshold = 0.4 }).CellposeOptions!.Dynamics.FlowThreshold);

        // On a real image the looser check keeps masks the 0.4 check drops, and drops none it keeps: every pixel of a
        // mask at 0.4 is in a mask at the card's threshold.
        var image = SegKit.Imaging.ImageFile.Read(Path.Combine(RepositoryLayout.Root, "models", "samples", "images", "dsb_912a679e.png"));
        var byCard = model.CreateSegmenter().Segment(image).Labels;
        var strict = model.CreateSegmenter(new SegmentOptions { FlowThreshold = 0.4 }).Segment(image).Labels;
        Assert.True(byCard.MaxLabel > strict.MaxLabel, $"{byCard.MaxLabel} masks at the card's threshold, {strict.MaxLabel} at 0.4");
        int covered = 0;
        for (int i = 0; i < strict.Buffer.Length; i++)
        {
            if (strict.Buffer[i] != 0)
            {
                Assert.NotEqual(0, byCard.Buffer[i]);
                covered++;
            }
        }

        Assert.True(covered > 0);
    }

    private static ModelCard SampleCard() => new()
    {
        Kind = SegmentationModelKind.Cellpose,
        InputChannels = ["cytoplasm:gray", "nucleus:none"],
        Diameter = 17,
        TileSize = 224,
        TrainingData = "test",
        SegKitVersion = "test",
        FlowThreshold = 1.0,
    };
}
