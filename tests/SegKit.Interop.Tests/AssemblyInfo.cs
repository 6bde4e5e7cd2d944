// torch's random generator is process-wide: tests that seed it and build networks must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
