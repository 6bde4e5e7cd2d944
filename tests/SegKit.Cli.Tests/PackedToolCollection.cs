namespace SegKit.Cli.Tests;

/// <summary>The tool package and the guide tests share one packed tool.</summary>
[CollectionDefinition(Name)]
public sealed class PackedToolCollection : ICollectionFixture<PackedTool>
{
    public const string Name = "packed tool";
}
