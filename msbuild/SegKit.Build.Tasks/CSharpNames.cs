using System.Text;

namespace SegKit.Build.Tasks;

/// <summary>Checks and derives C# names for generated code.</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern",
        "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface",
        "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out", "override",
        "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed", "short",
        "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try", "typeof",
        "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary>A plain identifier: a letter or underscore, then letters, digits or underscores, and not a keyword.</summary>
    public static bool IsIdentifier(string name) =>
        name.Length > 0
        && (char.IsLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsLetterOrDigit(c) || c == '_')
        && !Keywords.Contains(name);

    /// <summary>Dotted identifiers ("Lab.Imaging"); "global::" is not accepted.</summary>
    public static bool IsNamespace(string name) =>
        name.Length > 0 && name.Split('.').All(IsIdentifier);

    /// <summary>"nuclei-v2.onnx" gives "NucleiV2": the default class name stem for a model file.</summary>
    public static string Pascal(string text) => Join(text, upperFirst: true, fallback: "Model");

    /// <summary>"DAPI stain" gives "dapiStain": a parameter name for a channel named on the card.</summary>
    public static string Camel(string text, string fallback)
    {
        var name = Join(text, upperFirst: false, fallback: fallback);
        return Keywords.Contains(name) ? "@" + name : name;
    }

    private static string Join(string text, bool upperFirst, string fallback)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                word.Append(c);
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
            words.Add(word.ToString());
        if (words.Count == 0)
            return fallback;
        var result = new StringBuilder();
        for (var i = 0; i < words.Count; i++)
        {
            var w = words[i];
            var allUpper = w.All(c => !char.IsLetter(c) || char.IsUpper(c));
            var rest = allUpper ? w.Substring(1).ToLowerInvariant() : w.Substring(1);
            var first = i == 0 && !upperFirst ? char.ToLowerInvariant(w[0]) : char.ToUpperInvariant(w[0]);
            result.Append(first).Append(rest);
        }

        var name = result.ToString();
        return char.IsDigit(name[0]) ? (upperFirst ? fallback : fallback.ToLowerInvariant()) + name : name;
    }
}
