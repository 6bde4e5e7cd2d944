namespace SegKit.Imaging.Tests;

public class OpenCvRuntimeTests
{
    // What .NET reports when libOpenCvSharpExtern.so is found but one of its dependencies is not (glibc's dlerror).
    private const string LoaderMessage =
        "Unable to load shared library 'OpenCvSharpExtern' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.\n"
        + "/opt/segkit/libOpenCvSharpExtern.so: cannot open shared object file: No such file or directory\n"
        + "libgtk-3.so.0: cannot open shared object file: No such file or directory";

    [Theory]
    [InlineData("libgtk-3.so.0")]
    [InlineData("libgdk-3.so.0")]
    public void A_missing_gtk_library_is_named_with_the_package_that_installs_it(string missing)
    {
        string message = OpenCvRuntime.Explain(library => library != missing, "Unable to load shared library 'OpenCvSharpExtern'");

        Assert.Contains(missing, message, StringComparison.Ordinal);
        Assert.Contains("install the package libgtk-3-0", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void The_loader_message_names_gtk_when_the_probe_finds_it()
    {
        // The library the loader looked for may differ from the probe's (another soname, another search path).
        string message = OpenCvRuntime.Explain(_ => true, LoaderMessage.Replace("libgtk-3.so.0", "libgtk-3.so.9", StringComparison.Ordinal));

        Assert.Contains("needs the system library libgtk-3.so.9: install the package libgtk-3-0", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_failures_keep_the_loaders_reason_on_one_line()
    {
        string loader = "Unable to load shared library 'OpenCvSharpExtern'\nlibavcodec.so.59: cannot open shared object file: No such file or directory";

        string message = OpenCvRuntime.Explain(_ => true, loader);

        Assert.StartsWith("OpenCV's native library (OpenCvSharpExtern) could not be loaded: Unable to load", message, StringComparison.Ordinal);
        Assert.Contains("libavcodec.so.59: cannot open shared object file", message, StringComparison.Ordinal);
        Assert.DoesNotContain("libgtk-3-0", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void OpenCV_loads_on_this_machine()
    {
        // scripts/setup.sh installs libgtk-3-0, so the check passes here, twice (it runs once).
        OpenCvRuntime.EnsureAvailable();
        OpenCvRuntime.EnsureAvailable();
    }
}
