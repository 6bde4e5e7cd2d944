using System.IO.Compression;
using System.Xml.Linq;

namespace SegKit.Build.Tests;

/// <summary>What a NuGet user sees of the packages in the feed the consumer tests build against.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class PackageMetadataTests(PackedFeed feed)
{
    [Fact]
    public void Every_package_has_readme_licence_repository_symbols_and_the_one_version()
    {
        string[] packages = Directory.GetFiles(feed.Feed, "*.nupkg");
        Assert.Equal(
            ["SegKit.Build", "SegKit.Core", "SegKit.Imaging", "SegKit.Inference", "SegKit.ML", "SegKit.Onnx", "SegKit.Service"],
            packages.Select(p => Path.GetFileName(p).Split('.' + PackedFeed.Version)[0]).Order(StringComparer.Ordinal));
        foreach (string package in packages)
        {
            using ZipArchive zip = ZipFile.OpenRead(package);
            ZipArchiveEntry nuspec = Assert.Single(zip.Entries, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            XElement metadata;
            using (Stream stream = nuspec.Open())
            {
                metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            }

            string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
            XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);
            string id = Field("id");
            Assert.Equal(PackedFeed.Version, Field("version"));
            Assert.Equal("MIT", Field("license"));
            Assert.Equal("expression", (string?)Element("license")?.Attribute("type"));
            Assert.Equal("README.md", Field("readme"));
            Assert.NotNull(zip.GetEntry("README.md"));
            Assert.False(string.IsNullOrEmpty((string?)Element("repository")?.Attribute("url")), $"{id}: no repository url");
            Assert.False(string.IsNullOrEmpty(Field("description")), $"{id}: no description");

            // Every SegKit dependency is exactly the package's own version, so mixing versions fails at restore.
            foreach (XElement dependency in metadata.Descendants().Where(e => e.Name.LocalName == "dependency"))
            {
                if (((string?)dependency.Attribute("id"))?.StartsWith("SegKit.", StringComparison.Ordinal) == true)
                {
                    Assert.Equal($"[{PackedFeed.Version}]", (string?)dependency.Attribute("version"));
                }
            }

            Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), $"{id}: no symbols package");
        }
    }
}
