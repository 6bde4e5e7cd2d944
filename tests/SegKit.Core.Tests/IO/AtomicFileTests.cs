using SegKit.Core.IO;

namespace SegKit.Core.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_leaves_neither_the_target_nor_a_temporary_file()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-atomic").FullName;
        try
        {
            string path = Path.Combine(dir, "out.bin");
            Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
            {
                s.WriteByte(1);
                throw new InvalidOperationException("encoder failed");
            }));
            Assert.Empty(Directory.GetFiles(dir));

            AtomicFile.Write(path, s => s.WriteByte(42));
            Assert.Equal(new byte[] { 42 }, File.ReadAllBytes(path));
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void A_missing_folder_is_reported_as_an_output_error()
    {
        var e = Assert.Throws<OutputWriteException>(() => AtomicFile.Write("/nonexistent-segkit/x/out.bin", s => s.WriteByte(1)));
        Assert.Contains("nonexistent-segkit", e.Message);
    }
}
