using System.Globalization;
using Microsoft.Build.Framework;

namespace SegKit.Build.Tasks;

/// <summary>A SegmentationModel item with its options checked: what to generate and how to validate it.</summary>
internal sealed class ModelItem
{
    private ModelItem(string identity, string fullPath, string className, string @namespace, ModelDeployment deployment, ValidationSettings? validation)
    {
        Identity = identity;
        FullPath = fullPath;
        ClassName = className;
        Namespace = @namespace;
        Deployment = deployment;
        Validation = validation;
    }

    /// <summary>The path as written in the project file; errors name it so.</summary>
    public string Identity { get; }

    public string FullPath { get; }

    public string ClassName { get; }

    public string Namespace { get; }

    public ModelDeployment Deployment { get; }

    /// <summary>Null when the item asks for no validation.</summary>
    public ValidationSettings? Validation { get; }

    /// <summary>The manifest resource name of an embedded model; the .targets file gives the same LogicalName.</summary>
    public string ResourceName => "SegKit.Models." + Path.GetFileName(FullPath);

    /// <summary>Where a copied model lies relative to the application folder; the .targets file copies it there.</summary>
    public string OutputRelativePath => "models/" + Path.GetFileName(FullPath);

    /// <param name="projectDirectory">Relative validation folders are resolved from here.</param>
    /// <param name="defaultNamespace">The project's RootNamespace, used when the item names none.</param>
    public static ModelItem Parse(ITaskItem item, string projectDirectory, string defaultNamespace)
    {
        var identity = item.ItemSpec;
        var fullPath = Path.GetFullPath(Path.Combine(projectDirectory, identity));

        var className = Metadata(item, "ClassName") ?? CSharpNames.Pascal(Path.GetFileNameWithoutExtension(identity)) + "Segmenter";
        if (!CSharpNames.IsIdentifier(className))
            throw new SegKitBuildException(ErrorCodes.InvalidClassName, identity, $"ClassName '{className}' is not a valid C# class name (a letter or '_', then letters, digits or '_', not a keyword)");

        var ns = Metadata(item, "Namespace") ?? defaultNamespace;
        if (ns.Length == 0)
            throw new SegKitBuildException(ErrorCodes.InvalidNamespace, identity, "no Namespace given and the project has no RootNamespace; add Namespace=\"...\" to the SegmentationModel item");
        if (!CSharpNames.IsNamespace(ns))
            throw new SegKitBuildException(ErrorCodes.InvalidNamespace, identity, $"Namespace '{ns}' is not a valid C# namespace (dotted identifiers, e.g. Lab.Segmentation)");

        var deployment = (Metadata(item, "Deployment") ?? "Embedded").ToLowerInvariant() switch
        {
            "embedded" => ModelDeployment.Embedded,
            "copytooutput" => ModelDeployment.CopyToOutput,
            var other => throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"Deployment '{other}' is not 'Embedded' (the default) or 'CopyToOutput'"),
        };

        return new ModelItem(identity, fullPath, className, ns, deployment, ParseValidation(item, identity, projectDirectory));
    }

    private static ValidationSettings? ParseValidation(ITaskItem item, string identity, string projectDirectory)
    {
        var images = Metadata(item, "ValidationImages");
        var masks = Metadata(item, "ValidationMasks");
        var minimum = Metadata(item, "MinimumAveragePrecision");
        var iou = Metadata(item, "IoUThreshold");
        var timeout = Metadata(item, "ValidationTimeoutSeconds");
        if (images is null && masks is null && minimum is null && iou is null && timeout is null)
            return null;
        if (images is null || masks is null)
            throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"validation needs both ValidationImages and ValidationMasks; only {(images is null ? "ValidationMasks" : "ValidationImages")} is given");
        var minimumValue = minimum is null ? 0 : Number(identity, "MinimumAveragePrecision", minimum);
        if (!(minimumValue >= 0))
            throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"MinimumAveragePrecision '{minimum}' must be a number at least 0 (AP is between 0 and 1)");
        var iouValue = iou is null ? 0.5 : Number(identity, "IoUThreshold", iou);
        if (!(iouValue > 0 && iouValue <= 1))
            throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"IoUThreshold '{iou}' must be in (0, 1]");
        var timeoutValue = timeout is null ? ValidationSettings.DefaultTimeout.TotalSeconds : Number(identity, "ValidationTimeoutSeconds", timeout);
        if (!(timeoutValue > 0 && timeoutValue <= TimeSpan.FromDays(1).TotalSeconds))
            throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"ValidationTimeoutSeconds '{timeout}' must be more than 0 and at most a day (86400)");
        return new ValidationSettings(
            Path.GetFullPath(Path.Combine(projectDirectory, images)),
            Path.GetFullPath(Path.Combine(projectDirectory, masks)),
            minimumValue,
            iouValue,
            TimeSpan.FromSeconds(timeoutValue));
    }

    private static double Number(string identity, string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new SegKitBuildException(ErrorCodes.InvalidOption, identity, $"{name} '{text}' is not a number (use '.' as the decimal point)");

    private static string? Metadata(ITaskItem item, string name)
    {
        var value = item.GetMetadata(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
