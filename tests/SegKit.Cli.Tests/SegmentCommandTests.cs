using SegKit.Core.Images;
using SegKit.Inference;
using SegKit.Imaging;

namespace SegKit.Cli.Tests;

public class SegmentCommandTests
{
    [Fact]
    public void Segments_the_sample_folder_into_labels_overlays_and_tables()
    {
        string outDir = Repo.NewTempDir();
        var run = CliRun.Of("segment", Repo.SampleImages, "--out", outDir, "--method", "classical");
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (string name in new[] { "dsb_4be73d68", "dsb_912a679e" })
        {
            var labels = LabelImageFile.Read(Path.Combine(outDir, name + "_masks.tif"));
            Assert.Equal((256, 256), (labels.Height, labels.Width));
            Assert.InRange(labels.CountObjects(), 20, 120);
            Assert.Equal(labels.CountObjects(), labels.MaxLabel);

            string[] csv = File.ReadAllLines(Path.Combine(outDir, name + "_objects.csv"));
            Assert.Equal(ObjectTable.Header, csv[0]);
            Assert.Equal(labels.MaxLabel, csv.Length - 1);

            byte[] png = File.ReadAllBytes(Path.Combine(outDir, name + "_overlay.png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Contains($"{name}.png: {labels.MaxLabel} objects", run.Out);
        }

        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    [Fact]
    public void Device_cuda_where_CUDA_cannot_start_warns_once_and_gives_the_CPU_masks()
    {
        // The diameter is estimated, so the size model's encoder opens a second session: still one warning.
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        string cpuDir = Repo.NewTempDir();
        string cudaDir = Repo.NewTempDir();
        var cpu = CliRun.Of("segment", image, "--out", cpuDir, "--method", "nuclei", "--device", "cpu");
        var cuda = CliRun.Of("segment", image, "--out", cudaDir, "--method", "nuclei", "--device", "cuda");
        Assert.True(cpu.ExitCode == 0, cpu.ToString());
        Assert.True(cuda.ExitCode == 0, cuda.ToString());
        string? problem = OnnxSessions.CudaProblem(0);
        string[] warnings = cuda.Error.Split('\n').Where(l => l.Contains("CUDA was requested", StringComparison.Ordinal)).ToArray();
        if (problem is null)
        {
            Assert.Empty(warnings);
            return;
        }

        Assert.Equal($"segkit: warning: CUDA was requested but {problem}; running on the CPU", Assert.Single(warnings).TrimEnd());
        var cpuMasks = LabelImageFile.Read(Path.Combine(cpuDir, "dsb_4be73d68_masks.tif"));
        var cudaMasks = LabelImageFile.Read(Path.Combine(cudaDir, "dsb_4be73d68_masks.tif"));
        Assert.True(cpuMasks.MaxLabel > 10, $"{cpuMasks.MaxLabel} objects");
        Assert.Equal(cpuMasks.Buffer, cudaMasks.Buffer);
    }

    [Fact]
    public void A_larger_tile_size_runs_the_network_on_it_and_finds_the_same_objects()
    {
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        string defaultDir = Repo.NewTempDir();
        string largeDir = Repo.NewTempDir();
        Assert.Equal(0, CliRun.Of("segment", image, "--out", defaultDir, "--method", "nuclei", "--diameter", "30").ExitCode);
        var run = CliRun.Of("segment", image, "--out", largeDir, "--method", "nuclei", "--diameter", "30", "--tile-size", "320");
        Assert.True(run.ExitCode == 0, run.ToString());

        // Other tiles blend other windows: not the same pixels, but the same nuclei.
        var tiles224 = LabelImageFile.Read(Path.Combine(defaultDir, "dsb_4be73d68_masks.tif"));
        var tiles320 = LabelImageFile.Read(Path.Combine(largeDir, "dsb_4be73d68_masks.tif"));
        Assert.NotEqual(tiles224.Buffer, tiles320.Buffer);
        double ap = SegKit.Core.Metrics.InstanceMetrics.Evaluate(tiles224, tiles320, [0.5]).Scores[0].AveragePrecision;
        Assert.True(ap > 0.9, $"AP@0.5 of 320 tiles against 224 tiles: {ap}");
    }

    [Fact]
    public void An_image_of_a_megapixel_or_more_is_segmented_in_stages_with_the_librarys_result()
    {
        // 1024 x 1024 RGB from the sample tiled 4 x 4, mirrored in turn: the tool then holds it packed and collects
        // between stages; the masks and table must be the one-call library result's.
        Image sample = ImageFile.Read(Path.Combine(Repo.SampleImages, "dsb_4be73d68.png"));
        var mosaic = new Image(3, 1024, 1024);
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < 1024; y++)
            {
                for (int x = 0; x < 1024; x++)
                {
                    int sy = (y / 256) % 2 == 0 ? y % 256 : 255 - (y % 256);
                    int sx = (x / 256) % 2 == 0 ? x % 256 : 255 - (x % 256);
                    mosaic[c, y, x] = sample[c, sy, sx];
                }
            }
        }

        string folder = Repo.NewTempDir();
        string file = Path.Combine(folder, "mosaic.tif");
        SegKit.Testing.TiffFiles.Write8Bit(file, mosaic, tile: 256);
        string outDir = Repo.NewTempDir();
        var run = CliRun.Of("segment", file, "--out", outDir, "--method", "nuclei", "--diameter", "20");
        Assert.True(run.ExitCode == 0, run.ToString());

        using var model = SegmentationModel.Load(Path.Combine(Repo.Root, "models", "nuclei.onnx"));
        SegmentationResult expected = model.CreateSegmenter(new SegmentOptions { Diameter = 20 }).Segment(ImageFile.Read(file));
        var labels = LabelImageFile.Read(Path.Combine(outDir, "mosaic_masks.tif"));
        Assert.True(expected.Labels.MaxLabel > 200, $"{expected.Labels.MaxLabel} objects");
        Assert.Equal(expected.Labels.Buffer, labels.Buffer);
        Assert.Equal(ObjectTable.ToCsv(expected.Labels, ImageFile.Read(file)), File.ReadAllText(Path.Combine(outDir, "mosaic_objects.csv")));
    }

    [Fact]
    public void ROI_sets_and_outline_text_hold_one_outline_per_object()
    {
        string outDir = Repo.NewTempDir();
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        var run = CliRun.Of("segment", image, "--out", outDir, "--method", "classical", "--save-rois", "--save-outlines");
        Assert.True(run.ExitCode == 0, run.ToString());

        var labels = LabelImageFile.Read(Path.Combine(outDir, "dsb_4be73d68_masks.tif"));
        Assert.True(labels.MaxLabel > 10, $"{labels.MaxLabel} objects: too few to test with");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(outDir, "dsb_4be73d68_rois.zip")))
        {
            Assert.Equal(labels.MaxLabel, zip.Entries.Count);
            foreach (var entry in zip.Entries)
            {
                // The first point of each polygon (header: top at 8, left at 10; x and y offsets at 64 and 64 + 2n) is on its object.
                using var stream = entry.Open();
                var bytes = new byte[entry.Length];
                stream.ReadExactly(bytes);
                int n = (bytes[16] << 8) | bytes[17];
                int y = ((bytes[8] << 8) | bytes[9]) + ((bytes[64 + (2 * n)] << 8) | bytes[65 + (2 * n)]);
                int x = ((bytes[10] << 8) | bytes[11]) + ((bytes[64] << 8) | bytes[65]);
                Assert.Equal(int.Parse(entry.Name[..4], System.Globalization.CultureInfo.InvariantCulture), labels[y, x]);
            }
        }

        string[] lines = File.ReadAllLines(Path.Combine(outDir, "dsb_4be73d68_cp_outlines.txt"));
        Assert.Equal(labels.MaxLabel, lines.Length);
        Assert.All(lines.Where(l => l.Length > 0), l => Assert.Matches(@"^\d+,\d+(,\d+,\d+)*$", l));
        Assert.Empty(Directory.GetFiles(outDir, "*.tmp*"));
    }

    [Fact]
    public void Existing_outputs_are_skipped_unless_overwrite()
    {
        string outDir = Repo.NewTempDir();
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        Assert.Equal(0, CliRun.Of("segment", image, "--out", outDir, "--method", "classical").ExitCode);
        string masks = Path.Combine(outDir, "dsb_4be73d68_masks.tif");
        var first = File.GetLastWriteTimeUtc(masks);

        var again = CliRun.Of("segment", image, "--out", outDir, "--method", "classical");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("skipped", again.Out);
        Assert.Equal(first, File.GetLastWriteTimeUtc(masks));

        Thread.Sleep(20);
        var redo = CliRun.Of("segment", image, "--out", outDir, "--overwrite", "--method", "classical");
        Assert.Equal(0, redo.ExitCode);
        Assert.NotEqual(first, File.GetLastWriteTimeUtc(masks));
    }

    [Fact]
    public void Outputs_written_beside_the_images_are_not_segmented_on_a_second_run()
    {
        string folder = Repo.NewTempDir();
        foreach (string sample in Directory.GetFiles(Repo.SampleImages, "*.png"))
        {
            File.Copy(sample, Path.Combine(folder, Path.GetFileName(sample)));
        }

        Assert.Equal(0, CliRun.Of("segment", folder, "--out", folder, "--method", "classical").ExitCode);
        string[] outputs = Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray();
        Assert.Contains(Path.Combine(folder, "dsb_4be73d68_overlay.png"), outputs);

        var again = CliRun.Of("segment", folder, "--out", folder, "--overwrite", "--method", "classical");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("skipping 4 file(s) named as the outputs of other inputs: dsb_4be73d68_masks.tif, dsb_4be73d68_overlay.png, dsb_912a679e_masks.tif, ...", again.Error);
        Assert.Contains("2 image(s)", again.Out);
        Assert.Equal(outputs, Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToArray()); // no dsb_4be73d68_overlay_masks.tif
    }

    [Fact]
    public void A_missing_input_is_a_usage_error_naming_it()
    {
        var run = CliRun.Of("segment", "/no/such/image.png", "--out", Repo.NewTempDir());
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("/no/such/image.png", run.Error);
    }

    [Fact]
    public void A_file_that_is_not_an_image_fails_with_its_name_and_leaves_no_output()
    {
        string dir = Repo.NewTempDir();
        string fake = Path.Combine(dir, "notes.png");
        File.WriteAllText(fake, "this is not a PNG");
        string outDir = Path.Combine(dir, "out");
        var run = CliRun.Of("segment", fake, "--out", outDir, "--method", "classical");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("notes.png", run.Error);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    [Fact]
    public void A_huge_image_is_refused_from_its_header_with_the_limit_and_how_to_raise_it()
    {
        string dir = Repo.NewTempDir();
        string huge = Path.Combine(dir, "huge.png");
        File.WriteAllBytes(huge, BlackPng(20_000, 20_000));
        string outDir = Path.Combine(dir, "out");
        var run = CliRun.Of("segment", huge, "--out", outDir, "--method", "classical");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("huge.png: is 20000 x 20000 (400 megapixels), above the limit of 64 megapixels", run.Error);
        Assert.Contains("--max-megapixels", run.Error);
        Assert.Empty(Directory.GetFiles(outDir));
    }

    /// <summary>A real, valid all-black 8-bit grey PNG (about 400 kB: zeros compress well), built row by row.</summary>
    private static byte[] BlackPng(int width, int height)
    {
        var bytes = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        byte[] ihdr = [.. BigEndian(width), .. BigEndian(height), 8, 0, 0, 0, 0];
        Chunk(bytes, "IHDR", ihdr);
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            byte[] row = new byte[width + 1]; // filter byte 0, then the pixels
            for (int y = 0; y < height; y++)
            {
                zlib.Write(row);
            }
        }

        Chunk(bytes, "IDAT", compressed.ToArray());
        Chunk(bytes, "IEND", []);
        return [.. bytes];
    }

    private static void Chunk(List<byte> bytes, string type, byte[] data)
    {
        bytes.AddRange(BigEndian(data.Length));
        byte[] typed = [.. System.Text.Encoding.ASCII.GetBytes(type), .. data];
        bytes.AddRange(typed);
        bytes.AddRange(BigEndian((int)Crc32(typed)));
    }

    private static uint Crc32(byte[] data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static byte[] BigEndian(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    [Fact]
    public void A_folder_without_images_is_an_error()
    {
        string empty = Repo.NewTempDir();
        File.WriteAllText(Path.Combine(empty, "readme.txt"), "no images here");
        var run = CliRun.Of("segment", empty, "--out", Repo.NewTempDir(), "--method", "classical");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(Path.GetFileName(empty), run.Error);
    }

    [Fact]
    public void An_unwritable_output_folder_is_reported_before_any_work()
    {
        string dir = Repo.NewTempDir();
        string blocker = Path.Combine(dir, "file");
        File.WriteAllText(blocker, "a file where a folder should be");
        var run = CliRun.Of("segment", Repo.SampleImages, "--out", Path.Combine(blocker, "out"), "--method", "classical");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("not writable", run.Error);
    }

    [Theory]
    [InlineData("segment", "--help")]
    [InlineData("eval", "--help")]
    [InlineData("info", "--help")]
    [InlineData("--help")]
    public void Help_is_everywhere(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage", run.Out);
    }

    [Fact]
    public void Out_of_range_post_processing_settings_are_usage_errors()
    {
        string image = Path.Combine(Repo.SampleImages, "dsb_4be73d68.png");
        var run = CliRun.Of("segment", image, "--out", Repo.NewTempDir(), "--flow-threshold", "-1");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("FlowThreshold must be >= 0", run.Error);
    }

    [Theory]
    [InlineData("segment", "--bogus")]
    [InlineData("segment", "x.png")]
    [InlineData("segment", "x.png", "--out", "o", "--method", "magic")]
    [InlineData("frobnicate")]
    public void Bad_command_lines_exit_with_2(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("segkit: ", run.Error);
    }
}
