using SegKit.Distributed;

namespace SegKit.Distributed.Tests;

/// <summary>
/// segkit batch refuses a job it cannot finish before anything is handed out (no cluster is needed to be told), with
/// one line naming the manifest and every problem of its kind.
/// </summary>
public sealed class BadInputTests : IDisposable
{
    private readonly Job _job = new(images: 2);

    public void Dispose() => _job.Dispose();

    [Fact]
    public void Missing_inputs_are_all_listed_up_front_and_nothing_is_written()
    {
        Write("""{ "inputs": ["images", "gone/a.png", "b.tif"], "model": "nuclei", "output": "out" }""");
        var (code, _, error) = Batch();
        Assert.Equal(1, code);
        Assert.Contains(_job.Manifest, error);
        Assert.Contains("2 inputs do not exist", error);
        Assert.Contains(Path.Combine(_job.Root, "gone", "a.png"), error);
        Assert.Contains(Path.Combine(_job.Root, "b.tif"), error);
        Assert.Single(error.Trim().Split('\n'));
        Assert.False(Directory.Exists(_job.Output));
    }

    [Fact]
    public void An_output_folder_that_cannot_be_written_is_refused_before_any_work()
    {
        // Running as root ignores permission bits, so the folder sits under a regular file: no one can create it.
        string blocker = Path.Combine(_job.Root, "file");
        File.WriteAllText(blocker, "a file where a folder should be");
        Write("""{ "inputs": ["images"], "model": "nuclei", "output": "file/out" }""");
        var (code, _, error) = Batch();
        Assert.Equal(1, code);
        Assert.Contains("not writable", error);
        Assert.Contains(Path.Combine(blocker, "out"), error);
    }

    [Theory]
    [InlineData("nucleii", "unknown model 'nucleii'")]
    [InlineData("models/none.onnx", "model file not found")]
    public void An_unknown_model_is_refused_naming_it(string model, string message)
    {
        Write($$"""{ "inputs": ["images"], "model": "{{model}}", "output": "out" }""");
        var (code, _, error) = Batch();
        Assert.Equal(1, code);
        Assert.Contains(message, error);
        Assert.Contains(model.EndsWith(".onnx", StringComparison.Ordinal) ? Path.Combine(_job.Root, model) : "nuclei, membranes", error);
    }

    [Theory]
    [InlineData("""{ "inputs": ["images"], "model": "nuclei", "output": "out", "settings": { "flowTreshold": 0.4 } }""", "unknown key \"settings.flowTreshold\"")]
    [InlineData("""{ "inputs": ["images"], "model": "nuclei", "output": "out", "settings": { "minSize": -1 } }""", "settings.minSize must be a whole number")]
    [InlineData("""{ "inputs": ["images"], "model": "nuclei", "output": "out", "settings": { "channels": [0, 4] } }""", "settings.channels must be two Cellpose channel numbers")]
    [InlineData("""{ "inputs": [], "model": "nuclei", "output": "out" }""", "\"inputs\" must be a non-empty list")]
    [InlineData("""{ "inputs": ["images"], "output": "out" }""", "\"model\" is missing")]
    [InlineData("""{ "inputs": ["images"], "model": "nuclei", "output": "out" """, "is not valid JSON")]
    public void A_malformed_manifest_is_refused_naming_the_problem(string json, string message)
    {
        Write(json);
        var (code, _, error) = Batch();
        Assert.Equal(1, code);
        Assert.Contains(_job.Manifest, error);
        Assert.Contains(message, error);
    }

    [Fact]
    public void A_finished_job_reports_without_a_cluster()
    {
        var (code, _, error) = Segkit.Run("segment", _job.Images, "--out", _job.Output);
        Assert.True(code == 0, error);

        // No silo listens on this port: the job needs none, since every image's masks exist.
        var (again, output, errors) = Segkit.Run("batch", _job.Manifest, "--gateway", $"{SiloProcess.FreePort()}");
        Assert.True(again == 0, errors);
        Assert.Contains("2 image(s): 0 done, 2 skipped, 0 failed", output);
        Assert.True(File.Exists(Path.Combine(_job.Output, BatchReport.FileName)));
    }

    [Fact]
    public void Manifest_paths_are_relative_to_the_manifest_and_settings_default_to_segkit_segment()
    {
        BatchManifest manifest = BatchManifest.Parse("""{ "inputs": ["images", "/data/x.png"], "model": "nuclei", "output": "out" }""", _job.Manifest);
        Assert.Equal([_job.Images, "/data/x.png"], manifest.Inputs);
        Assert.Equal(_job.Output, manifest.Output);
        var options = manifest.Settings.ToSegmentOptions();
        Assert.Null(options.Diameter);
        Assert.True(options.EstimateDiameter);
        Assert.Null(options.Channels);
        Assert.Equal(SegKit.Core.Dynamics.DynamicsOptions.Default, options.Dynamics);

        JobSettings settings = BatchManifest.Parse("""{ "inputs": "a.png", "model": "m/x.onnx", "output": "o", "settings": { "diameter": 17, "flowThreshold": 0.6, "cellprobThreshold": -1, "minSize": 0, "channels": [2, 3] } }""", _job.Manifest).Settings;
        Assert.Equal(new JobSettings { Diameter = 17, FlowThreshold = 0.6, CellprobThreshold = -1, MinSize = 0, CytoplasmChannel = 2, NucleusChannel = 3 }, settings);
    }

    [Fact]
    public void With_the_output_folder_in_the_input_folder_a_rerun_does_not_take_its_own_outputs_as_images()
    {
        Write("""{ "inputs": ["images"], "model": "nuclei", "output": "images" }""");
        string[] images = _job.Inputs;
        foreach (string image in images)
        {
            File.Copy(image, SegmentationOutputs.PathOf(_job.Images, image, SegmentationOutputs.OverlaySuffix));
            File.Copy(image, SegmentationOutputs.MasksPath(_job.Images, image));
        }

        File.Copy(images[0], Path.Combine(_job.Images, "other_masks.png")); // named like an output, but of no input: an image

        Assert.Equal([.. images, Path.Combine(_job.Images, "other_masks.png")], _job.Plan().Inputs.Order(StringComparer.Ordinal));
    }

    private void Write(string json) => File.WriteAllText(_job.Manifest, json);

    private (int Code, string Out, string Error) Batch() => Segkit.Run("batch", _job.Manifest, "--gateway", $"{SiloProcess.FreePort()}");
}
