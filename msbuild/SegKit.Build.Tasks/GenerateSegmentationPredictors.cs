using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace SegKit.Build.Tasks;

/// <summary>
/// Writes one typed predictor (<c>Namespace.ClassName.g.cs</c>) per SegmentationModel item into <see cref="OutputDirectory"/>,
/// deletes the files of models no longer listed, and returns the files to compile. A file whose text is unchanged is
/// not rewritten, so the compiler's own up-to-date check still holds.
/// </summary>
public sealed class GenerateSegmentationPredictors : Microsoft.Build.Utilities.Task
{
    /// <summary>The name of the list of generated files the .targets file reads back (and the target's output).</summary>
    public const string ListFileName = "generated.txt";

    [Required]
    public ITaskItem[] Models { get; set; } = [];

    [Required]
    public string ProjectDirectory { get; set; } = "";

    public string RootNamespace { get; set; } = "";

    [Required]
    public string OutputDirectory { get; set; } = "";

    [Output]
    public ITaskItem[] GeneratedFiles { get; private set; } = [];

    public override bool Execute()
    {
        Directory.CreateDirectory(OutputDirectory);
        var written = new List<string>();
        // Every generated type (Nuclei, NucleiOptions, ... of each model), case-insensitively: the file of a model is named
        // after its class's full name, and two that differ in case only would be one file where case is not kept.
        var types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var resources = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var copies = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            try
            {
                var item = ModelItem.Parse(model, ProjectDirectory, RootNamespace);
                var fullName = item.Namespace + "." + item.ClassName;
                var generated = PredictorSource.TypeSuffixes.Select(suffix => fullName + suffix).ToList();
                foreach (var type in generated)
                {
                    if (types.TryGetValue(type, out var other))
                        throw new SegKitBuildException(ErrorCodes.InvalidClassName, item.Identity, $"generates type {type}, as {other} does; give one of them another ClassName");
                }

                // The compiler takes an embedded resource as "file,name" on its command line, which a comma or a quote breaks.
                var fileName = Path.GetFileName(item.FullPath);
                if (item.Deployment == ModelDeployment.Embedded && fileName.IndexOfAny([',', '"']) >= 0)
                    throw new SegKitBuildException(ErrorCodes.InvalidOption, item.Identity, $"the file name '{fileName}' holds a comma or a quote, which the C# compiler cannot embed; rename the file, or give the item Deployment=\"CopyToOutput\"");

                var (files, location) = item.Deployment == ModelDeployment.Embedded
                    ? (resources, item.ResourceName)
                    : (copies, item.OutputRelativePath);
                if (files.TryGetValue(location, out var clash))
                {
                    var how = item.Deployment == ModelDeployment.Embedded ? "embedded as" : "copied to";
                    throw new SegKitBuildException(ErrorCodes.InvalidOption, item.Identity, $"has the file name of {clash}, and both would be {how} {location}; rename one of the files");
                }

                foreach (var type in generated)
                    types[type] = item.Identity;
                files[location] = item.Identity;

                var source = PredictorSource.Generate(item, ModelInspection.Inspect(item));
                var path = Path.Combine(OutputDirectory, fullName + ".g.cs");
                WriteIfDifferent(path, source);
                written.Add(path);
                Log.LogMessage(MessageImportance.High, $"SegKit: generated {fullName} from {item.Identity}");
            }
            catch (SegKitBuildException e)
            {
                Log.LogError(null, e.Code, null, null, 0, 0, 0, 0, $"{e.File}: {e.Message}");
            }
        }

        foreach (var stale in Directory.GetFiles(OutputDirectory, "*.g.cs").Where(f => !written.Contains(f, StringComparer.Ordinal)))
        {
            File.Delete(stale);
            Log.LogMessage(MessageImportance.Normal, $"SegKit: removed {stale} (its model is no longer listed)");
        }

        if (Log.HasLoggedErrors)
        {
            // No list file: the target then counts as out of date and runs again on the next build.
            File.Delete(Path.Combine(OutputDirectory, ListFileName));
            return false;
        }

        // Always rewritten: it is the target's output, and its time stamp says when the inputs were last turned into code.
        File.WriteAllText(Path.Combine(OutputDirectory, ListFileName), string.Concat(written.Select(w => w + "\n")), new UTF8Encoding(false));
        GeneratedFiles = written.Select(w => (ITaskItem)new TaskItem(w)).ToArray();
        return true;
    }

    private static void WriteIfDifferent(string path, string text)
    {
        if (File.Exists(path) && File.ReadAllText(path) == text)
            return;
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text, new UTF8Encoding(false));
        if (File.Exists(path))
            File.Delete(path);
        File.Move(temporary, path);
    }
}
