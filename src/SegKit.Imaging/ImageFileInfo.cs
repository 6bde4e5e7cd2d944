namespace SegKit.Imaging;

/// <summary>What an image file holds, as <c>segkit info</c> shows it.</summary>
/// <param name="Format">PNG, TIFF, JPEG or BMP.</param>
/// <param name="Width">Pixels per row.</param>
/// <param name="Height">Rows.</param>
/// <param name="Channels">Samples per pixel (1 gray, 3 RGB, 4 RGBA).</param>
/// <param name="SampleType">e.g. "uint8", "uint16", "int32", "float32".</param>
/// <param name="Pages">Images in the file (TIFF stacks have several; other formats one).</param>
public sealed record ImageFileInfo(string Format, int Width, int Height, int Channels, string SampleType, int Pages);
