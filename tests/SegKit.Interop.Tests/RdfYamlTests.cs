using System.Diagnostics;
using System.Text;
using SegKit.Interop.BioImageIo;

namespace SegKit.Interop.Tests;

/// <summary>An rdf.yaml is untrusted text: malformed or oversized documents end in a <see cref="ModelFileException"/> naming the file, quickly.</summary>
public sealed class RdfYamlTests
{
    [Fact]
    public void Yaml_the_parser_cannot_follow_is_a_typed_error_naming_the_file()
    {
        // YamlDotNet throws InvalidOperationException, not YamlException, on this.
        var e = Assert.Throws<ModelFileException>(() => RdfYaml.Parse("format_version: 0.5.3\n[\nx"u8.ToArray(), "pkg/rdf.yaml"));
        Assert.Equal("pkg/rdf.yaml", e.FilePath);
        Assert.Contains("is not valid YAML", e.Message);
    }

    [Fact]
    public void Many_keys_parse_in_linear_time_and_a_duplicate_among_them_is_still_found()
    {
        var text = new StringBuilder("format_version: 0.5.3\n");
        for (int i = 0; i < 80_000; i++)
        {
            text.Append('k').Append(i.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)).Append(": 1\n");
        }

        // Comparing each key with every earlier one took 72 s for these 880 KB.
        var clock = Stopwatch.StartNew();
        RdfNode rdf = RdfYaml.Parse(Encoding.UTF8.GetBytes(text.ToString()), "rdf.yaml");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"80,000 keys took {clock.Elapsed}");
        Assert.Equal("0.5.3", rdf.Text("format_version"));

        text.Append("k040000: 2\n");
        var e = Assert.Throws<ModelFileException>(() => RdfYaml.Parse(Encoding.UTF8.GetBytes(text.ToString()), "rdf.yaml"));
        Assert.Contains("k040000 appears twice", e.Message);
    }
}
