namespace SegKit.Core.Dynamics;

/// <summary>
/// One cached all-zero array per element type, for the image-sized scratch plane of the dynamics (the step field,
/// which then holds the convergence histogram: 34 MB at 2048 x 2048). A fresh large array costs its zeroing, page
/// faults and a share of a full garbage collection on every call; a user of this cache instead writes a few entries,
/// puts back zeros where it wrote (work proportional to the pixels it touched, not to the image) and returns the array.
/// </summary>
/// <remarks>
/// Callers must return an array only when every element is 0 again; an array not returned (an exception on the
/// way) is simply dropped. Arrays above <see cref="MaxCachedLength"/> elements are not kept, so a one-off huge
/// image does not pin its scratch memory for the life of the process.
/// </remarks>
internal static class ZeroedArrayCache<T>
    where T : unmanaged
{
    /// <summary>The longest array kept: 16 M elements (64 MB of float or int), a 2,800 x 2,800 step field.</summary>
    public const int MaxCachedLength = 16 << 20;

    private static T[]? s_cached;

    /// <summary>An all-zero array of at least <paramref name="length"/> elements (the cached one when it is long enough).</summary>
    public static T[] Rent(int length)
    {
        T[]? cached = Interlocked.Exchange(ref s_cached, null);
        if (cached is not null && cached.Length >= length)
        {
            return cached;
        }

        // A shorter cached array is dropped: the new, longer one takes its place on return.
        return new T[length];
    }

    /// <summary>Keeps <paramref name="zeroed"/> for the next caller; it must be all zeros.</summary>
    public static void Return(T[] zeroed)
    {
        if (zeroed.Length <= MaxCachedLength)
        {
            Volatile.Write(ref s_cached, zeroed);
        }
    }
}
