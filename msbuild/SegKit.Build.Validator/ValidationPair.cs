namespace SegKit.Build.Validator;

/// <summary>One validation image and its ground-truth mask, paired by the build task.</summary>
internal sealed record ValidationPair(string Name, string Image, string Mask);
