using SegKit.Imaging;

namespace SegKit.Cli;

/// <summary>Expands the files and folders named on the command line into a sorted list of image files.</summary>
internal static class InputFiles
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(ImageFile.ListImages(input));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                throw new CliUsageException($"{input}: no such file or folder");
            }
        }

        var unique = files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        var clash = unique.GroupBy(OutputStem, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
        {
            throw new CliUsageException($"two inputs would write the same outputs ({string.Join(", ", clash)}); segment them into different folders");
        }

        return unique;
    }

    /// <summary>The file name without its extension: the prefix of every output written for that input.</summary>
    public static string OutputStem(string path) => SegKit.Distributed.SegmentationOutputs.Stem(path);
}
