using SegKit.Core.IO;

namespace SegKit.Core.Tests.IO;

public class NpyFileTests
{
    [Fact]
    public void Reads_cellpose_fixture_flows_and_labels()
    {
        var flows = TestData.Npy("synth_shapes.flows.npy");
        Assert.Equal("<f4", flows.DType);
        Assert.Equal(new[] { 2, 144, 144 }, flows.Shape);
        var pred = TestData.Npy("synth_shapes.pred_1.npy");
        Assert.Equal("<u2", pred.DType);
        Assert.Equal(144 * 144, pred.ToInt32().Length);
    }

    [Fact]
    public void Round_trips_float_int_and_double()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-npy").FullName;
        try
        {
            string path = Path.Combine(dir, "a.npy");
            NpyFile.Write(path, new float[] { 1.5f, -2f, float.NaN, 4f, 5f, 6f }, 2, 3);
            var a = NpyFile.Read(path);
            Assert.Equal(new[] { 2, 3 }, a.Shape);
            Assert.Equal(new[] { 1.5f, -2f, float.NaN, 4f, 5f, 6f }, a.ToSingle());

            NpyFile.Write(path, new[] { 7, 8, 9 }, 3);
            Assert.Equal(new[] { 7, 8, 9 }, NpyFile.Read(path).ToInt32());

            NpyFile.Write(path, new[] { 0.1, 0.2 }, 1, 2);
            Assert.Equal(new[] { 0.1, 0.2 }, NpyFile.Read(path).ToDouble());
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Truncated_or_foreign_files_raise_errors_naming_the_file()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-npy").FullName;
        try
        {
            string full = Path.Combine(dir, "full.npy");
            NpyFile.Write(full, new float[100], 10, 10);
            string cut = Path.Combine(dir, "cut.npy");
            File.WriteAllBytes(cut, File.ReadAllBytes(full)[..200]);
            var e = Assert.Throws<InvalidImageException>(() => NpyFile.Read(cut));
            Assert.Contains("cut.npy", e.Message);

            string text = Path.Combine(dir, "text.npy");
            File.WriteAllText(text, "hello, not numpy");
            Assert.Throws<InvalidImageException>(() => NpyFile.Read(text));
            Assert.Throws<InvalidImageException>(() => NpyFile.Read(Path.Combine(dir, "missing.npy")));
            Assert.Throws<InvalidDataException>(() => new NpyArray("<f4", [2], new[] { 0.5f, 1f }).ToInt32());

            // A 128-byte file whose header claims 1.6e9 doubles (12.8 GB) is refused before anything that size is allocated.
            string liar = Path.Combine(dir, "liar.npy");
            File.WriteAllBytes(liar, NpyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (40000, 40000), }", new byte[16]));
            long before = GC.GetAllocatedBytesForCurrentThread();
            e = Assert.Throws<InvalidImageException>(() => NpyFile.Read(liar));
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000, "nothing the header's size was allocated");
            Assert.Contains("liar.npy", e.Message);
            Assert.Contains("the header says 1600000000 values (12800000000 bytes) but only 16 bytes follow", e.Message);

            string negative = Path.Combine(dir, "negative.npy");
            File.WriteAllBytes(negative, NpyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-4, 2), }", new byte[32]));
            Assert.Contains("the shape (-4, 2) has a negative dimension", Assert.Throws<InvalidImageException>(() => NpyFile.Read(negative)).Message);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>A version 1.0 .npy file with this header text (padded as NumPy pads it) and these data bytes.</summary>
    private static byte[] NpyBytes(string header, byte[] data)
    {
        int padded = ((10 + header.Length + 1 + 63) / 64 * 64) - 10;
        string text = header.PadRight(padded - 1) + "\n";
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)(padded & 0xFF), (byte)(padded >> 8), .. System.Text.Encoding.Latin1.GetBytes(text), .. data];
        return bytes;
    }
}
