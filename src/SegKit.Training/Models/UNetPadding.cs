namespace SegKit.Training.Models;

/// <summary>Valid convolutions (the 2015 paper: each 3x3 conv trims a pixel per side) or same padding (output at input size).</summary>
public enum UNetPadding
{
    Valid,
    Same,
}
