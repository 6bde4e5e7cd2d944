using System.Text.Json;

namespace SegKit.Core.Tests.Dynamics;

/// <summary>The fixture manifest (cases, calls, Cellpose's own numbers).</summary>
internal static class Manifest
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllText(TestData.ManifestPath)));

    public static JsonElement Case(string name) => Document.Value.RootElement.GetProperty("cases").GetProperty(name);
}
