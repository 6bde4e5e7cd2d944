using System.Collections.Concurrent;

namespace SegKit.ML.Settings;

/// <summary>Parses each distinct settings line once per process: every row of a data view carries the same line.</summary>
internal static class SettingsCache<T>
    where T : class
{
    private static readonly ConcurrentDictionary<string, T> Parsed = new(StringComparer.Ordinal);

    public static T Get(string text, Func<string, T> parse) => Parsed.GetOrAdd(text, parse);
}
