namespace SegKit.Build.Tasks;

/// <summary>The codes SegKit.Build reports; docs/msbuild.md lists them with what to do about each.</summary>
internal static class ErrorCodes
{
    /// <summary>The model file is missing or is not a readable ONNX model.</summary>
    public const string UnreadableModel = "SEGK0001";

    /// <summary>The model is ONNX but carries no SegKit model card.</summary>
    public const string NoCard = "SEGK0002";

    /// <summary>The card is damaged, or the network's input or output does not fit it.</summary>
    public const string InvalidCard = "SEGK0003";

    /// <summary>ClassName is not a C# identifier, or two models generate the same class.</summary>
    public const string InvalidClassName = "SEGK0004";

    /// <summary>Namespace is not a dotted C# name.</summary>
    public const string InvalidNamespace = "SEGK0005";

    /// <summary>An item option has a value SegKit cannot use (Deployment, thresholds, a validation folder without its pair).</summary>
    public const string InvalidOption = "SEGK0006";

    /// <summary>A validation folder does not exist.</summary>
    public const string MissingValidationFolder = "SEGK0101";

    /// <summary>Validation images and masks do not pair one to one by file name, or their sizes differ.</summary>
    public const string ImageMaskMismatch = "SEGK0102";

    /// <summary>The model's average precision on the validation set is below the required minimum.</summary>
    public const string BelowMinimum = "SEGK1001";

    /// <summary>The validator failed (could not start, crashed, or could not read a file).</summary>
    public const string ValidatorFailed = "SEGK1002";

    /// <summary>The validator ran past the item's ValidationTimeoutSeconds and was stopped.</summary>
    public const string ValidatorTimedOut = "SEGK1003";
}
