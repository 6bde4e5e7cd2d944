namespace SegKit.Build.Tests;

/// <summary>Consumers the packages cannot serve get a restore or build error that says why, never a broken build later.</summary>
[Collection(ConsumerCollection.Name)]
public sealed class PackageCompatibilityTests(PackedFeed feed)
{
    [Fact]
    public void A_net8_project_referencing_SegKit_Build_fails_with_SEGK0007_naming_its_framework()
    {
        // NuGet restores SegKit.Build into net8.0 silently (the package holds no assembly); the build must say why it cannot work.
        string project = WriteConsumer("net8build", "net8.0", ("SegKit.Build", PackedFeed.Version));
        var (exit, log) = DotNet.Run(Path.GetDirectoryName(project)!, "build", "--nologo", "-nodeReuse:false");

        Assert.NotEqual(0, exit);
        Assert.Contains("error SEGK0007: SegKit.Build needs a project that targets net10.0 or later", log);
        Assert.Contains("net8build.csproj targets net8.0", log);
        Assert.DoesNotContain("error CS", log);
    }

    [Fact]
    public void A_net8_project_referencing_a_library_package_fails_at_restore_naming_the_package()
    {
        string project = WriteConsumer("net8ml", "net8.0", ("SegKit.ML", PackedFeed.Version));
        var (exit, log) = DotNet.Run(Path.GetDirectoryName(project)!, "restore", "--nologo");

        Assert.NotEqual(0, exit);
        Assert.Contains($"error NU1202: Package SegKit.ML {PackedFeed.Version} is not compatible with net8.0", log);
    }

    [Fact]
    public void Two_SegKit_packages_of_different_versions_fail_at_restore_with_a_version_conflict()
    {
        // A second, newer set of the library packages, as a user would have after updating one reference only.
        const string Newer = "0.0.2-test";
        string newerFeed = Path.Combine(feed.Root, "feed-newer");
        LibraryPackages.Pack(Newer, newerFeed);
        string project = WriteConsumer("mixed", "net10.0", ("SegKit.Build", PackedFeed.Version), ("SegKit.ML", Newer));
        var (exit, log) = DotNet.Run(Path.GetDirectoryName(project)!, "restore", "--nologo", $"-p:RestoreAdditionalProjectSources={newerFeed}");

        Assert.NotEqual(0, exit);
        Assert.Matches(@"error NU1107: Version conflict detected for SegKit\.\w+", log);
        Assert.Contains($"SegKit.Build {PackedFeed.Version} -> SegKit.", log);
        Assert.Contains($"SegKit.ML {Newer} -> SegKit.", log);
    }

    [Fact]
    public void The_same_consumer_on_net10_restores_from_the_feed_alone()
    {
        // The control for the three cases above: the packages themselves restore.
        string project = WriteConsumer("net10ok", "net10.0", ("SegKit.Build", PackedFeed.Version), ("SegKit.ML", PackedFeed.Version));
        var (exit, log) = DotNet.Run(Path.GetDirectoryName(project)!, "restore", "--nologo");

        Assert.True(exit == 0, log);
    }

    /// <summary>A console project below the feed's folder (so its nuget.config applies), with the given package references.</summary>
    private string WriteConsumer(string name, string framework, params (string Id, string Version)[] packages)
    {
        string folder = Path.Combine(feed.Root, name);
        Directory.CreateDirectory(folder);
        string references = string.Join("\n", packages.Select(p => $"""    <PackageReference Include="{p.Id}" Version="{p.Version}" />"""));
        string project = Path.Combine(folder, name + ".csproj");
        File.WriteAllText(project, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{framework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {references}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), "Console.WriteLine(\"consumer\");\n");
        return project;
    }
}
