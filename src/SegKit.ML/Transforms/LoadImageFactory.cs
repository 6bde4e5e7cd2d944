using Microsoft.ML.Transforms;
using SegKit.Core;
using SegKit.Imaging;

namespace SegKit.ML.Transforms;

/// <summary>
/// Reads the image at each row's path with SegKit.Imaging (ML.NET's own loader is 8-bit colour only). A row whose file is
/// missing or unreadable gets an empty image and an error naming the file; the other rows go on.
/// </summary>
[CustomMappingFactoryAttribute(Contract)]
public sealed class LoadImageFactory : CustomMappingFactory<ImagePathRow, LoadedImageRow>
{
    public const string Contract = "SegKit.LoadImage.v1";

    public override Action<ImagePathRow, LoadedImageRow> GetMapping() => Map;

    internal static void Map(ImagePathRow input, LoadedImageRow output)
    {
        try
        {
            if (string.IsNullOrEmpty(input.ImagePath))
            {
                throw new InvalidImageException("the image path is empty");
            }

            var image = ImageFile.Read(input.ImagePath);
            output.Image = image.Buffer;
            output.Channels = image.Channels;
            output.Height = image.Height;
            output.Width = image.Width;
            output.Error = string.Empty;
        }
        catch (Exception e) when (e is SegKitException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            output.Fail(input.ImagePath, e);
        }
    }
}
