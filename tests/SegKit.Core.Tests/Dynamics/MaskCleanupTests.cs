using SegKit.Core.Dynamics;
using SegKit.Core.Images;

namespace SegKit.Core.Tests.Dynamics;

public class MaskCleanupTests
{
    [Fact]
    public void Holes_are_filled_small_masks_removed_and_labels_renumbered()
    {
        var masks = new LabelImage(20, 20);
        SyntheticLabels.Box(masks, 7, 1, 1, 9, 9); // 81 px with a 3x3 hole and a 1 px notch on the edge
        SyntheticLabels.Box(masks, 0, 4, 4, 3, 3);
        masks[1, 5] = 0;
        SyntheticLabels.Box(masks, 3, 12, 12, 3, 4); // 12 px: too small
        SyntheticLabels.Box(masks, 9, 12, 1, 5, 5); // 25 px, holds a 1 px mask of label 4 inside
        masks[14, 3] = 4;

        LabelImage cleaned = MaskCleanup.FillHolesAndRemoveSmall(masks, 15);

        Assert.Equal(2, cleaned.MaxLabel);
        Assert.Equal(1, cleaned[5, 5]); // hole filled
        Assert.Equal(0, cleaned[1, 5]); // the notch opens on the box edge: not a hole
        Assert.Equal(0, cleaned[13, 13]); // small mask removed
        Assert.Equal(2, cleaned[14, 3]); // the 1 px mask was removed first, then its pixel filled
        Assert.Equal(80, cleaned.Buffer.Count(v => v == 1));
        Assert.Equal(25, cleaned.Buffer.Count(v => v == 2));
    }

    [Fact]
    public void Min_size_zero_only_fills_and_renumbers()
    {
        var masks = new LabelImage(10, 10);
        SyntheticLabels.Box(masks, 5, 0, 0, 2, 2);
        LabelImage cleaned = MaskCleanup.FillHolesAndRemoveSmall(masks, 0);
        Assert.Equal(4, cleaned.Buffer.Count(v => v == 1));
    }
}
