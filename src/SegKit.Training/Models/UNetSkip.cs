namespace SegKit.Training.Models;

/// <summary>How encoder features join the decoder: concatenated (the paper, cropped when valid) or added.</summary>
public enum UNetSkip
{
    Concatenate,
    Add,
}
