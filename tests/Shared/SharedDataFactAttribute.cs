namespace SegKit.Testing;

/// <summary>
/// A fact that reads ../shared/data: skipped, with the reason in the test report, when that folder is absent (a
/// fresh clone), so the default run stays self-contained. Put <c>[Trait("Category", RepositoryLayout.SharedDataCategory)]</c>
/// on the test too, so <c>--filter Category!=SharedData</c> leaves it out and <c>Category=SharedData</c> runs it alone.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (RepositoryLayout.SharedDataSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
