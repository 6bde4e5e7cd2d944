// torch's random generator is process-wide: tests that seed it and build or train networks must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
