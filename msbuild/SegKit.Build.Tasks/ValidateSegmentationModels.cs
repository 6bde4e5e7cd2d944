using System.Globalization;
using System.Text;
using Microsoft.Build.Framework;

namespace SegKit.Build.Tasks;

/// <summary>
/// Runs each SegmentationModel item that names a validation set through the validator and fails the build with
/// SEGK1001 when its average precision is below the item's minimum. A passing result is remembered in a stamp holding a
/// fingerprint of model, data and settings; an unchanged fingerprint skips the run. A failing result leaves no stamp,
/// so the next build checks again. A cancelled build (Ctrl+C, an IDE's stop) stops the validator rather than waiting
/// for it.
/// </summary>
public sealed class ValidateSegmentationModels : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    [Required]
    public ITaskItem[] Models { get; set; } = [];

    [Required]
    public string ProjectDirectory { get; set; } = "";

    [Required]
    public string StateDirectory { get; set; } = "";

    [Required]
    public string ValidatorPath { get; set; } = "";

    /// <summary>The dotnet host that runs the validator; MSBuild's DOTNET_HOST_PATH. Empty means "dotnet" on the PATH.</summary>
    public string DotNetHostPath { get; set; } = "";

    /// <summary>NuGet package folders (NuGetPackageFolders, ';'-separated) where the validator's dependencies lie.</summary>
    public string PackageFolders { get; set; } = "";

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        Directory.CreateDirectory(StateDirectory);
        foreach (var model in Models)
        {
            if (_cancel.IsCancellationRequested)
                return false;
            try
            {
                var item = ModelItem.Parse(model, ProjectDirectory, "Unused");
                if (item.Validation is not null)
                    Validate(item, item.Validation);
            }
            catch (SegKitBuildException e)
            {
                Log.LogError(null, e.Code, null, null, 0, 0, 0, 0, $"{e.File}: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                Log.LogMessage(MessageImportance.High, $"SegKit: validation of {model.ItemSpec} stopped: the build was cancelled");
                return false;
            }
        }

        return !Log.HasLoggedErrors;
    }

    private void Validate(ModelItem item, ValidationSettings settings)
    {
        if (!File.Exists(item.FullPath))
            throw new SegKitBuildException(ErrorCodes.UnreadableModel, item.Identity, $"model file not found (looked for {item.FullPath})");
        var pairs = ValidationPairs.Pair(item.Identity, settings.ImagesFolder, settings.MasksFolder);
        var name = Path.GetFileNameWithoutExtension(item.FullPath);
        var stampPath = Path.Combine(StateDirectory, name + ".passed");
        var reportPath = Path.Combine(StateDirectory, name + ".validation.json");
        var fingerprint = ValidationFingerprint.Compute(item.FullPath, pairs, settings, ValidatorPath);
        var threshold = settings.IoUThreshold.ToString("0.###", CultureInfo.InvariantCulture);
        var minimum = settings.MinimumAveragePrecision.ToString("0.00", CultureInfo.InvariantCulture);

        var stamp = File.Exists(stampPath) ? File.ReadAllLines(stampPath) : [];
        if (stamp.Length >= 2 && stamp[0] == fingerprint)
        {
            Log.LogMessage(MessageImportance.High, $"SegKit: validation of {item.Identity} skipped: model, data and settings unchanged since it passed ({stamp[1]})");
            return;
        }

        if (File.Exists(stampPath))
            File.Delete(stampPath);
        var requestPath = Path.Combine(StateDirectory, name + ".request.txt");
        var request = new StringBuilder();
        request.Append("model\t").Append(item.FullPath).Append('\n');
        request.Append("iou\t").Append(settings.IoUThreshold.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        request.Append("minimum\t").Append(settings.MinimumAveragePrecision.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        request.Append("report\t").Append(reportPath).Append('\n');
        foreach (var (pairName, image, mask) in pairs)
            request.Append("pair\t").Append(pairName).Append('\t').Append(image).Append('\t').Append(mask).Append('\n');
        File.WriteAllText(requestPath, request.ToString(), new UTF8Encoding(false));

        Log.LogMessage(MessageImportance.High, $"SegKit: validating {item.Identity} on {pairs.Count} image(s) in {settings.ImagesFolder}");
        var folders = PackageFolders.Split([';'], StringSplitOptions.RemoveEmptyEntries).Select(f => f.Trim()).Where(f => f.Length > 0);
        var dotnet = string.IsNullOrEmpty(DotNetHostPath) ? "dotnet" : DotNetHostPath;
        var outcome = ValidatorProcess.Run(item.Identity, dotnet, ValidatorPath, folders, requestPath, settings.Timeout, _cancel.Token);
        var ap = outcome.AveragePrecision.ToString("0.00", CultureInfo.InvariantCulture);
        var counts = $"TP {outcome.TruePositives}, FP {outcome.FalsePositives}, FN {outcome.FalseNegatives}";
        if (!(outcome.AveragePrecision >= settings.MinimumAveragePrecision))
        {
            throw new SegKitBuildException(ErrorCodes.BelowMinimum, item.Identity,
                $"AP@{threshold} = {ap} is below the required {minimum} on {outcome.Images} images ({counts}; report: {reportPath})");
        }

        var summary = $"AP@{threshold} = {ap} >= {minimum} on {outcome.Images} images, {counts}; report: {reportPath}";
        File.WriteAllText(stampPath, fingerprint + "\n" + summary + "\n", new UTF8Encoding(false));
        Log.LogMessage(MessageImportance.High, $"SegKit: {item.Identity} passed validation: {summary}");
    }
}
