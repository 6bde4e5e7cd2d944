namespace SegKit.Interop.Pickle;

/// <summary>
/// A Python dict or collections.OrderedDict read from a pickle, entries in the order they were set (a key set twice
/// keeps its first place and its last value, as in Python).
/// </summary>
internal sealed class PickleDictionary
{
    private readonly List<object?> keys = [];
    private readonly Dictionary<object, object?> values = [];

    public int Count => keys.Count;

    public IEnumerable<KeyValuePair<object?, object?>> Entries =>
        keys.Select(k => new KeyValuePair<object?, object?>(k, values[k!]));

    /// <returns>False when the key is not a str, int or float (Python would hash it; SegKit's files never need that).</returns>
    public bool TrySet(object? key, object? value)
    {
        if (key is not (string or long or double or bool))
        {
            return false;
        }

        if (!values.ContainsKey(key))
        {
            keys.Add(key);
        }

        values[key] = value;
        return true;
    }

    public bool TryGetValue(string key, out object? value) => values.TryGetValue(key, out value);
}
