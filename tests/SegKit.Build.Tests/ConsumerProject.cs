namespace SegKit.Build.Tests;

/// <summary>A consumer project on disk below the feed's folder: a project file referencing SegKit.Build, its code and its models.</summary>
internal sealed class ConsumerProject
{
    private readonly PackedFeed _feed;

    public ConsumerProject(PackedFeed feed, string name)
    {
        _feed = feed;
        Directory = Path.Combine(feed.Root, name);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "models"));
        Name = name;
    }

    public string Name { get; }

    public string Directory { get; }

    public string GeneratedFolder => Path.Combine(Directory, "obj", "Release", "net10.0", "SegKit", "generated");

    public string ValidationFolder => Path.Combine(Directory, "obj", "Release", "net10.0", "SegKit", "validation");

    public string OutputAssembly => Path.Combine(Directory, "bin", "Release", "net10.0", Name + ".dll");

    public void AddModel(string source, string name) => File.Copy(source, Path.Combine(Directory, "models", name), overwrite: true);

    /// <param name="items">SegmentationModel items (or anything else) for the project file.</param>
    public void WriteProject(string items, bool exe = false) =>
        File.WriteAllText(Path.Combine(Directory, Name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <OutputType>{(exe ? "Exe" : "Library")}</OutputType>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <GenerateDocumentationFile>true</GenerateDocumentationFile>
                <RootNamespace>Consumer</RootNamespace>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SegKit.Build" Version="{PackedFeed.Version}" />
              </ItemGroup>
              <ItemGroup>
            {items}
              </ItemGroup>
            </Project>
            """);

    public void WriteCode(string code) => File.WriteAllText(Path.Combine(Directory, "Program.cs"), code);

    public (int ExitCode, string Output) Build(params string[] extra) =>
        DotNet.Run(Directory, ["build", "--nologo", "-c", "Release", "-nodeReuse:false", "-v:n", .. extra]);

    /// <summary>Runs the built application with the given arguments.</summary>
    public (int ExitCode, string Output) RunApp(params string[] arguments) =>
        DotNet.Run(Directory, ["exec", OutputAssembly, .. arguments]);

    /// <summary>Copies a folder's image files into the project (validation sets the test may then damage).</summary>
    public string CopyFolder(string source, string name)
    {
        string target = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(target);
        foreach (string file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        return target;
    }

    public string Feed => _feed.Feed;
}
