using CsCheck;
using OpenCvSharp;
using SegKit.Core;
using SegKit.Testing;

namespace SegKit.Imaging.Tests;

/// <summary>
/// Damaged files of every supported kind: reading one either works or throws <see cref="InvalidImageException"/>
/// (or the page argument error); never another exception, and never a native crash (which would end the test run).
/// </summary>
public class CorruptFileTests
{
    public static TheoryData<string> Kinds => ["lzw-tiff", "uint32-tiff", "multipage-tiff", "float-tiff-big-endian", "png", "jpeg"];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Random_byte_damage_gives_a_typed_error_or_an_image(string kind)
    {
        byte[] original = Make(kind);
        using var dir = new TempFolder();
        int n = 0;
        Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte).Array[1, 6].Sample(
            damage =>
            {
                byte[] bytes = (byte[])original.Clone();
                foreach ((int at, byte value) in damage)
                {
                    bytes[at] = value;
                }

                string path = dir.File($"damaged{Interlocked.Increment(ref n)}.{(kind == "png" ? "png" : kind == "jpeg" ? "jpg" : "tif")}");
                File.WriteAllBytes(path, bytes);
                ReadAllWays(path);
            },
            iter: 250,
            threads: 1);
    }

    [Fact]
    public void Strip_offset_near_the_largest_long_is_reported_as_truncation()
    {
        using var dir = new TempFolder();
        string path = dir.File("far.tif");
        byte[] bytes = TiffBuilder.Build(new TiffPageSpec(2, 1, 1, new byte[] { 1, 2 }));
        int entry = ImageFileBadInputTests.FindTag(bytes, 273);
        BitConverter.GetBytes(uint.MaxValue - 1).CopyTo(bytes, entry + 8);
        File.WriteAllBytes(path, bytes);

        ImageFileBadInputTests.AssertInvalid(path, "truncated", () => ImageFile.Read(path));
    }

    private static void ReadAllWays(string path)
    {
        foreach (Action read in new Action[] { () => ImageFile.Read(path), () => ImageFile.Read(path, 1), () => ImageFile.Describe(path), () => LabelImageFile.Read(path) })
        {
            try
            {
                read();
            }
            catch (InvalidImageException e)
            {
                Assert.Equal(path, e.FilePath);
            }
            catch (ArgumentOutOfRangeException e) when (e.ParamName == "page")
            {
            }
        }
    }

    private static byte[] Make(string kind)
    {
        switch (kind)
        {
            case "lzw-tiff":
                using (var m = new Mat(6, 9, MatType.CV_16UC1))
                {
                    Cv2.Randu(m, new Scalar(0), new Scalar(60000));
                    Cv2.ImEncode(".tif", m, out byte[] tiff);
                    return tiff;
                }

            case "uint32-tiff":
                return TiffBuilder.Build(new TiffPageSpec(4, 3, 1, Enumerable.Range(0, 12).Select(i => (uint)(i * 70000)).ToArray()));
            case "multipage-tiff":
                return TiffBuilder.Build(new TiffPageSpec(3, 2, 1, new byte[6]), new TiffPageSpec(2, 2, 3, new ushort[12]));
            case "float-tiff-big-endian":
                return TiffBuilder.Build(bigEndian: true, loop: false, new TiffPageSpec(3, 3, 1, new float[] { 0, 1, 2, float.NaN, 4, 5, 6, 7, 8 }));
            case "png":
                return PngBuilder.Build(4, 3, 16, 0, new byte[24]);
            default:
                using (var m = new Mat(16, 16, MatType.CV_8UC3, new Scalar(10, 80, 200)))
                {
                    Cv2.ImEncode(".jpg", m, out byte[] jpeg);
                    return jpeg;
                }
        }
    }
}
