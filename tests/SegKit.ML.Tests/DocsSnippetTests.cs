using SegKit.Testing;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SegKit.ML.Tests;

public partial class DocsSnippetTests
{
    [Fact]
    public void The_README_example_builds_as_a_console_program_against_SegKit_ML()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md"));
        int section = readme.IndexOf("\n## ML.NET\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no '## ML.NET' section");
        Match snippet = CSharpBlock().Match(readme, section);
        Assert.True(snippet.Success, "README.md's ML.NET section has no ```csharp block");
        Assert.Contains("SegmentCells", snippet.Groups[1].Value);

        string folder = TestModels.NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "Program.cs"), snippet.Groups[1].Value);
        string project = Path.Combine(RepositoryLayout.Root, "src", "SegKit.ML", "SegKit.ML.csproj");
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{project}" />
              </ItemGroup>
            </Project>
            """);
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        // The test run has built SegKit.ML already; the consumer compiles against that build.
        foreach (string arg in new[] { "build", "-c", "Release", "-p:BuildProjectReferences=false", "-nologo", "-v:q" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
    }

    [GeneratedRegex("```csharp\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
