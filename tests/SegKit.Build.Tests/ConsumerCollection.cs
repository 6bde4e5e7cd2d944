namespace SegKit.Build.Tests;

/// <summary>Every consumer-build test shares one packed feed and one trained model.</summary>
[CollectionDefinition(Name)]
public sealed class ConsumerCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "consumer builds";
}
