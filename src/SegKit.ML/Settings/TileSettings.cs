namespace SegKit.ML.Settings;

/// <param name="ModelDiameter">With <paramref name="Diameter"/>: the image is rescaled by ModelDiameter / Diameter before tiling, as Cellpose does.</param>
internal sealed record TileSettings(int TileSize, double Overlap, double ModelDiameter, double? Diameter)
{
    public const string Kind = "tile/1";

    public string ToText() => SettingsText.Format(Kind, ("size", TileSize), ("overlap", Overlap), ("model_diameter", ModelDiameter), ("diameter", Diameter));

    public static TileSettings Parse(string text) => SettingsCache<TileSettings>.Get(text, t =>
    {
        var s = SettingsText.Parse(t, Kind);
        return new TileSettings(s.Int("size"), s.Double("overlap"), s.Double("model_diameter"), s.OptionalDouble("diameter"));
    });
}
