namespace SegKit.Interop.BioImageIo;

/// <summary>How the package's first output relates to the class logits SegKit's U-Net path expects.</summary>
internal enum BioImageOutputKind
{
    /// <summary>Used as it is: logits of two or more classes, or a SegKit model's own output.</summary>
    Raw,

    /// <summary>One foreground logit (the package applies a sigmoid, or names no range): SegKit adds a zero background logit.</summary>
    SigmoidLogit,

    /// <summary>One foreground probability: SegKit adds its logit and a zero background logit.</summary>
    SigmoidProbability,

    /// <summary>Class probabilities that sum to 1: SegKit takes their logarithms, whose softmax gives them back.</summary>
    SoftmaxProbability,
}
