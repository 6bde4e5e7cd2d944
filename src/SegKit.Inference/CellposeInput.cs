using SegKit.Core.Images;

namespace SegKit.Inference;

/// <summary>
/// What a Cellpose network is fed for one image, at the image's own size: the [cytoplasm, nucleus] planes chosen from
/// it, each normalised to its 1st..99th percentiles (inverted when the background is bright). Made by
/// <see cref="CellposeSegmenter.Input"/> and turned into a network pass by <see cref="CellposeSegmenter.Predict(CellposeInput)"/>;
/// between the two the image itself is no longer needed, so a caller holding it in another form can let it go.
/// </summary>
/// <param name="Planes">Two planes of the image's size, normalised.</param>
public sealed record CellposeInput(Image Planes);
