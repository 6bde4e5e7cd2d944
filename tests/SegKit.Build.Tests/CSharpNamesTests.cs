using SegKit.Build.Tasks;

namespace SegKit.Build.Tests;

public sealed class CSharpNamesTests
{
    [Theory]
    [InlineData("NucleiSegmenter", true)]
    [InlineData("_private2", true)]
    [InlineData("9Lives", false)]
    [InlineData("class", false)]
    [InlineData("Has-Dash", false)]
    [InlineData("", false)]
    public void Identifiers_follow_the_CSharp_rules(string name, bool valid) => Assert.Equal(valid, CSharpNames.IsIdentifier(name));

    [Theory]
    [InlineData("Lab.Imaging", true)]
    [InlineData("Lab..Imaging", false)]
    [InlineData("Lab.class", false)]
    [InlineData("Bad-Name", false)]
    public void Namespaces_are_dotted_identifiers(string name, bool valid) => Assert.Equal(valid, CSharpNames.IsNamespace(name));

    [Theory]
    [InlineData("nuclei", "Nuclei")]
    [InlineData("nuclei-v2", "NucleiV2")]
    [InlineData("cyto3_DAPI", "Cyto3Dapi")]
    [InlineData("2018 model", "Model2018Model")]
    [InlineData("---", "Model")]
    public void File_names_become_class_names(string file, string expected) => Assert.Equal(expected, CSharpNames.Pascal(file));

    [Theory]
    [InlineData("cytoplasm", "cytoplasm")]
    [InlineData("DAPI stain", "dapiStain")]
    [InlineData("phase contrast", "phaseContrast")]
    [InlineData("object", "@object")]
    [InlineData("1st", "channel01st")]
    public void Channel_names_become_parameter_names(string channel, string expected) => Assert.Equal(expected, CSharpNames.Camel(channel, "channel0"));
}
