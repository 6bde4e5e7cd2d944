using SegKit.Core;
using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Distributed;

/// <summary>
/// A manifest checked against the file system before any work is handed out: every input exists (all missing ones
/// named in one error), no two inputs would write the same outputs, the output folder is writable, and the model opens
/// as a SegKit model. What it holds is what the silos get: absolute paths and a model as a bundled name or an absolute path.
/// </summary>
public sealed record JobPlan(string Manifest, IReadOnlyList<string> Inputs, string OutputFolder, string Model, string ModelPath, JobSettings Settings)
{
    /// <param name="bundledDirectory">Where bundled model names are looked up here (the silos look in their own).</param>
    /// <exception cref="ManifestException">Missing inputs (all of them), no images, clashing names, an unknown model.</exception>
    /// <exception cref="OutputWriteException">The output folder cannot be created or written.</exception>
    /// <exception cref="ModelLoadException">The model file is missing or not a model SegKit can run.</exception>
    public static JobPlan Prepare(BatchManifest manifest, string? bundledDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        string source = manifest.SourcePath;
        string[] missing = manifest.Inputs.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToArray();
        if (missing.Length > 0)
        {
            throw new ManifestException($"{missing.Length} input{(missing.Length > 1 ? "s do" : " does")} not exist: {string.Join(", ", missing)}", source);
        }

        var files = new List<string>();
        foreach (string input in manifest.Inputs)
        {
            files.AddRange(Directory.Exists(input) ? ImageFile.ListImages(input).Select(Path.GetFullPath) : [input]);
        }

        IReadOnlyList<string> unique = SegmentationOutputs.WithoutOutputsOf(files.Distinct(StringComparer.Ordinal).ToList(), out _);
        if (unique.Count == 0)
        {
            throw new ManifestException($"the inputs hold no images ({string.Join(", ", ImageFile.Extensions)})", source);
        }

        var clash = unique.GroupBy(SegmentationOutputs.Stem, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new ManifestException($"two inputs would write the same outputs ({string.Join(", ", clash)}); give them different names or separate jobs", source);
        }

        // Silos on other machines judge their own writers; a process id seen from here says nothing about them.
        Core.IO.OutputFolder.Prepare(manifest.Output, removeOrphans: false);

        string modelPath = BundledModels.Resolve(manifest.Model, bundledDirectory ?? BundledModels.DefaultDirectory, manifest.BaseDirectory, source);
        using (SegmentationModel.Load(modelPath, intraOpThreads: 1))
        {
            // Opened once here so a wrong model fails the job now, not on every silo for every image.
        }

        string model = BundledModels.IsName(manifest.Model) ? manifest.Model : modelPath;
        return new JobPlan(source, unique, manifest.Output, model, modelPath, manifest.Settings);
    }

    /// <summary>The inputs whose outputs are not complete yet (their label image is missing).</summary>
    public IReadOnlyList<string> Remaining() => Inputs.Where(i => !SegmentationOutputs.AreComplete(OutputFolder, i)).ToList();

    public WorkItem ItemFor(string input) => new() { Input = input, OutputFolder = OutputFolder, Model = Model, Settings = Settings };
}
