using Orleans.TestingHost;

namespace SegKit.Distributed.Tests;

/// <summary>Orleans' TestingHost with two in-process silos that run SegKit work items.</summary>
internal static class TwoSiloCluster
{
    public static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<Workers>();
        TestCluster cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static SiloSegmentation Segmentation(TestCluster cluster, SiloHandle silo) =>
        (SiloSegmentation)cluster.GetSiloServiceProvider(silo.SiloAddress).GetService(typeof(SiloSegmentation))!;

    private sealed class Workers : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddSegKitWorkers();
    }
}
