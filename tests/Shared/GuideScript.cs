using System.Text;
using System.Text.RegularExpressions;

namespace SegKit.Testing;

/// <summary>
/// The shell commands of a user guide (docs/guides/*.md), run as the guide's reader would: every ```bash block in
/// order, in one bash process that stops at the first failing command. A block right after the line
/// <c>&lt;!-- not run by the tests: why --&gt;</c> is shown to readers only (a clone, an edit made by hand). The test
/// may shorten a command (fewer training epochs) through <see cref="Replace"/>; each replacement must match.
/// </summary>
internal sealed partial class GuideScript
{
    private readonly List<(string From, string To)> _replacements = [];

    public GuideScript(string guide)
    {
        Guide = guide;
        Markdown = File.ReadAllText(Path.Combine(RepositoryLayout.Root, guide));
    }

    public string Guide { get; }

    public string Markdown { get; }

    /// <summary>The ```bash blocks the test runs, in order.</summary>
    public IReadOnlyList<string> Blocks => BashBlock().Matches(Markdown).Where(m => !m.Groups[1].Success).Select(m => m.Groups[2].Value).ToArray();

    /// <summary>The blocks of a given language (csharp, xml), in order, whether or not they are run.</summary>
    public IReadOnlyList<string> CodeBlocks(string language) =>
        Regex.Matches(Markdown, $"```{Regex.Escape(language)}\\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();

    public GuideScript Replace(string from, string to)
    {
        _replacements.Add((from, to));
        return this;
    }

    /// <summary>The script bash runs: the blocks (all, or a range of them) with the replacements made, echoing each command as it runs.</summary>
    public string Script(Range? blocks = null)
    {
        var script = new StringBuilder("set -euo pipefail -x\n");
        foreach (string block in Blocks.ToArray()[blocks ?? Range.All])
        {
            script.AppendLine(block);
        }

        string text = script.ToString();
        string everything = string.Concat(Blocks);
        foreach ((string from, string to) in _replacements)
        {
            if (!everything.Contains(from, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{Guide}: the test replaces '{from}', which no command of the guide contains any more");
            }

            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }

    /// <param name="blocks">Some of the blocks only, where the test does a reader's hand edit in between.</param>
    public ExternalProcess Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, Range? blocks = null)
    {
        string file = Path.Combine(workingDirectory, ".guide.sh");
        File.WriteAllText(file, Script(blocks));
        return ExternalProcess.Run("bash", workingDirectory, environment, file);
    }

    [GeneratedRegex(@"(<!-- not run by the tests:[^\n]*-->\n)?```bash\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    /// <summary>Copies a folder's files (not subfolders) into <paramref name="target"/>: the reader's images, masks or packages.</summary>
    public static void CopyFiles(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }
    }
}
