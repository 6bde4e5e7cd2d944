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

    [Fact]
    public void Orphaned_temporary_files_of_dead_writers_are_removed_and_a_live_writers_are_kept()
    {
        string dir = Directory.CreateTempSubdirectory("segkit-atomic").FullName;
        try
        {
            // A process that has certainly ended, so its id names no running writer.
            using var ended = System.Diagnostics.Process.Start("true")!;
            ended.WaitForExit();
            string guid = Guid.NewGuid().ToString("N");
            string dead = Path.Combine(dir, $".a_masks.{ended.Id}-{guid}.tmp.tif");
            string live = Path.Combine(dir, $".b_masks.{Environment.ProcessId}-{guid}.tmp.tif");
            string[] kept = [Path.Combine(dir, "a_masks.tif"), Path.Combine(dir, ".hidden-notes.tmp"), Path.Combine(dir, $".c.{ended.Id}-not-a-guid.tmp.png")];
            foreach (string file in kept.Append(dead).Append(live))
            {
                File.WriteAllBytes(file, [1, 2, 3]);
            }

            Assert.Equal(1, AtomicFile.RemoveOrphans(dir));
            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(live));
            Assert.All(kept, f => Assert.True(File.Exists(f), f));
            Assert.Equal(0, AtomicFile.RemoveOrphans(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
