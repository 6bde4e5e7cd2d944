namespace SegKit.Service;

/// <summary>Where a result's files are (GET), and where to re-threshold it (POST; null for a U-Net).</summary>
public sealed record ResultLinks(string Labels, string LabelsTiff, string Overlay, string Objects, string? Flows, string? CellProbability, string? Masks)
{
    public static ResultLinks For(string id, bool cellpose)
    {
        string root = $"/segment/{id}";
        return new ResultLinks(
            $"{root}/labels.png",
            $"{root}/labels.tif",
            $"{root}/overlay.png",
            $"{root}/objects.csv",
            cellpose ? $"{root}/flows.npy" : null,
            cellpose ? $"{root}/cellprob.npy" : null,
            cellpose ? $"{root}/masks" : null);
    }
}
