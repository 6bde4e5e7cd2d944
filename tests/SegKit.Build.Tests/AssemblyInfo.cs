// The consumer builds share one packed feed and two CPU cores: running them side by side only slows each down,
// and torch's random generator (model training in the fixture) is process-wide.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
