using System.Globalization;
using Microsoft.Playwright;
using SegKit.Core.Images;
using SegKit.Imaging;

namespace SegKit.Service.Tests;

/// <summary>
/// The web viewer in a real browser: Playwright driving the system's Chromium (Debian's chromium package, installed
/// by scripts/setup.sh; SEGKIT_CHROMIUM names another executable) against the service on Kestrel.
/// </summary>
public sealed class ViewerTests
{
    private static string Chromium => Environment.GetEnvironmentVariable("SEGKIT_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";

    [Fact]
    public async Task Upload_see_the_objects_move_the_thresholds_and_download_the_masks()
    {
        Assert.True(File.Exists(Chromium), $"no Chromium at {Chromium}: install Debian's chromium package (scripts/setup.sh does) or set SEGKIT_CHROMIUM");
        await using KestrelService service = await KestrelService.StartAsync();
        string image = Path.Combine(ServiceFactory.Samples, "dsb_912a679e.png");

        // What the API answers for the same image, before and after the threshold change the test makes in the page.
        using var client = new HttpClient { BaseAddress = service.Address };
        SegmentationResponse api = await Http.SegmentAsync(client, image);
        SegmentationResponse apiRetuned = await Http.ReadAsync(await client.PostAsync($"{api.Links.Masks}?flowThreshold=0&cellprobThreshold=-2&minSize=15", null));
        Assert.NotEqual(api.ObjectCount, apiRetuned.ObjectCount);

        using IPlaywright playwright = await Playwright.CreateAsync();
        await using IBrowser browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        IPage page = await browser.NewPageAsync(new BrowserNewPageOptions { AcceptDownloads = true });
        var errors = new List<string>();
        page.PageError += (_, message) => errors.Add(message);
        await page.GotoAsync(service.Address.ToString());
        await page.WaitForFunctionAsync("document.querySelectorAll('#model option').length === 2");
        Assert.Equal("nuclei", await page.InputValueAsync("#model"));

        // The flow-threshold slider starts at the model card's value (GET /models), so the page's first answer is the API's default one.
        Assert.Equal("1", await page.TextContentAsync("#flowThresholdValue"));

        await page.SetInputFilesAsync("#file", image);
        await page.WaitForFunctionAsync($"document.getElementById('count').textContent === '{api.ObjectCount}'");
        await page.WaitForFunctionAsync("document.getElementById('overlay').naturalWidth === 256");
        Assert.Equal(api.ObjectCount, await page.Locator("#objects tr").CountAsync());

        // Move both sliders as a user would (input events); the page asks for new masks from the cached flows.
        await page.EvalOnSelectorAsync("#flowThreshold", "el => { el.value = '0'; el.dispatchEvent(new Event('input')); }");
        await page.EvalOnSelectorAsync("#cellprobThreshold", "el => { el.value = '-2'; el.dispatchEvent(new Event('input')); }");
        await page.WaitForFunctionAsync($"document.getElementById('count').textContent === '{apiRetuned.ObjectCount}'");
        Assert.Equal("0", await page.TextContentAsync("#flowThresholdValue"));

        IDownload download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-labels-tif"));
        Assert.Equal("dsb_912a679e_masks.tif", download.SuggestedFilename);
        string saved = Path.Combine(Directory.CreateTempSubdirectory("segkit-viewer-").FullName, download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        LabelImage masks = LabelImageFile.Read(saved);
        Assert.Equal(apiRetuned.ObjectCount, masks.Buffer.Where(v => v > 0).Distinct().Count());

        IDownload csv = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#download-objects"));
        string table = await File.ReadAllTextAsync((await csv.PathAsync())!);
        Assert.Equal(apiRetuned.ObjectCount + 1, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Empty(errors);
        Assert.StartsWith(apiRetuned.ObjectCount.ToString(CultureInfo.InvariantCulture), (await page.TextContentAsync("#status"))!.Split(": ")[1]);
    }
}
