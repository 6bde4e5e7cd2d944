using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SegKit.Core.Images;
using SegKit.Core.IO;
using SegKit.Imaging;
using SegKit.Inference;

namespace SegKit.Service.Tests;

/// <summary>The API through the sample application in memory (WebApplicationFactory), against the shipped models.</summary>
public sealed class ApiTests : IClassFixture<ApiTests.Default>
{
    private readonly ServiceFactory _factory;

    public ApiTests(Default service) => _factory = service.Factory;

    private static string Sample(string name) => Path.Combine(ServiceFactory.Samples, name);

    [Fact]
    public async Task Models_lists_the_served_models_with_their_cards()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        var models = await client.GetFromJsonAsync<ModelDescription[]>("/models");

        Assert.Equal(["membranes", "nuclei"], models!.Select(m => m.Name));
        ModelDescription nuclei = models![1];
        Assert.Equal("cellpose", nuclei.Kind);
        Assert.Equal(17, nuclei.Diameter);
        Assert.True(nuclei.SizeModel);
        Assert.Contains("ap@0.5", nuclei.Validation.Keys);
        Assert.Equal(1, nuclei.FlowThreshold); // the shipped card's, which the viewer's slider starts at
        Assert.Equal("unet", models[0].Kind);
        Assert.Null(models[0].FlowThreshold);
    }

    [Fact]
    public async Task Without_a_flow_threshold_the_cards_applies_and_one_given_replaces_it_also_when_rethresholding()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        string path = Sample("dsb_912a679e.png");
        using var model = SegmentationModel.Load(Path.Combine(ServiceFactory.Models, "nuclei.onnx"));
        int atCard = model.CreateSegmenter().Segment(ImageFile.Read(path)).Objects.Count;
        int atCellposeDefault = model.CreateSegmenter(new SegmentOptions { FlowThreshold = 0.4 }).Segment(ImageFile.Read(path)).Objects.Count;
        Assert.True(atCard > atCellposeDefault, $"{atCard} objects at the card's threshold, {atCellposeDefault} at 0.4: the comparison would prove nothing");

        SegmentationResponse byCard = await Http.SegmentAsync(client, path);
        Assert.Equal((1, atCard), (byCard.Settings.FlowThreshold, byCard.ObjectCount));
        SegmentationResponse given = await Http.SegmentAsync(client, path, "?flowThreshold=0.4");
        Assert.Equal((0.4, atCellposeDefault), (given.Settings.FlowThreshold, given.ObjectCount));

        SegmentationResponse back = await Http.ReadAsync(await client.PostAsync($"{given.Links.Masks}?minSize=15", null));
        Assert.Equal((1, atCard), (back.Settings.FlowThreshold, back.ObjectCount));
    }

    [Fact]
    public async Task An_uploaded_image_gets_the_masks_segkit_computes_in_process()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        string path = Sample("dsb_912a679e.png");
        SegmentationResponse answer = await Http.SegmentAsync(client, path, "?name=cells.png");

        using var model = SegmentationModel.Load(Path.Combine(ServiceFactory.Models, "nuclei.onnx"));
        SegmentationResult expected = model.CreateSegmenter().Segment(ImageFile.Read(path));
        Assert.Equal("nuclei", answer.Model);
        Assert.Equal("cells.png", answer.Image);
        Assert.Equal(1, answer.Settings.FlowThreshold);
        Assert.Equal((256, 256), (answer.Width, answer.Height));
        Assert.Equal(expected.Objects.Count, answer.ObjectCount);
        Assert.True(answer.ObjectCount > 50, $"{answer.ObjectCount} objects");
        Assert.Equal(expected.Objects.Select(o => o.Area), answer.Objects.Select(o => o.Area));
        Assert.True(answer.Timing.NetworkSeconds > 0 && answer.Timing.TotalSeconds >= answer.Timing.NetworkSeconds);
        Assert.True(answer.Cached);

        byte[] png = await client.GetByteArrayAsync(answer.Links.Labels);
        LabelImage labels = Decode(png, ".png");
        Assert.Equal(expected.Labels.Buffer, labels.Buffer);
        Assert.Equal(expected.Labels.Buffer, Decode(await client.GetByteArrayAsync(answer.Links.LabelsTiff), ".tif").Buffer);
    }

    [Fact]
    public async Task A_multipart_upload_gives_the_same_result_as_a_raw_body()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        string path = Sample("dsb_4be73d68.png");
        SegmentationResponse raw = await Http.SegmentAsync(client, path);
        using var form = new MultipartFormDataContent { { new ByteArrayContent(File.ReadAllBytes(path)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", "from-form.png" } };
        SegmentationResponse multipart = await Http.ReadAsync(await client.PostAsync("/segment", form));

        Assert.Equal("from-form.png", multipart.Image);
        Assert.Equal(raw.ObjectCount, multipart.ObjectCount);
        Assert.Equal(raw.Objects, multipart.Objects);
    }

    [Fact]
    public async Task New_thresholds_reuse_the_network_output_and_equal_a_fresh_run_with_them()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        string path = Sample("dsb_912a679e.png");
        SegmentationResponse first = await Http.SegmentAsync(client, path);
        SegmentationResponse retuned = await Http.ReadAsync(await client.PostAsync($"{first.Links.Masks}?flowThreshold=0&cellprobThreshold=-2&minSize=5", null));
        SegmentationResponse fresh = await Http.SegmentAsync(client, path, "?flowThreshold=0&cellprobThreshold=-2&minSize=5");

        Assert.Equal(first.Id, retuned.Id);
        Assert.Equal(0, retuned.Timing.NetworkSeconds);
        Assert.Equal(new SegmentSettings(0, -2, 5), retuned.Settings);
        Assert.NotEqual(first.ObjectCount, retuned.ObjectCount);
        Assert.Equal(fresh.ObjectCount, retuned.ObjectCount);
        Assert.Equal(fresh.Objects, retuned.Objects);
        // The downloads follow the current thresholds.
        byte[] retunedLabels = await client.GetByteArrayAsync(first.Links.Labels);
        Assert.Equal(Decode(await client.GetByteArrayAsync(fresh.Links.Labels), ".png").Buffer, Decode(retunedLabels, ".png").Buffer);
    }

    [Fact]
    public async Task The_result_files_download_in_their_formats()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        SegmentationResponse answer = await Http.SegmentAsync(client, Sample("dsb_4be73d68.png"), "?name=a.png");

        using HttpResponseMessage overlay = await client.GetAsync(answer.Links.Overlay);
        Assert.Equal("image/png", overlay.Content.Headers.ContentType?.MediaType);
        Assert.Equal("a_overlay.png", overlay.Content.Headers.ContentDisposition?.FileNameStar ?? overlay.Content.Headers.ContentDisposition?.FileName);
        Image rendered = ImageFile.Decode(await overlay.Content.ReadAsByteArrayAsync(), "overlay.png");
        Assert.Equal((3, 256, 256), (rendered.Channels, rendered.Height, rendered.Width));

        string[] csv = (await client.GetStringAsync(answer.Links.Objects)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ObjectTable.Header, csv[0]);
        Assert.Equal(answer.ObjectCount + 1, csv.Length);

        NpyArray flows = ReadNpy(await client.GetByteArrayAsync(answer.Links.Flows!));
        Assert.Equal([2, 256, 256], flows.Shape);
        NpyArray probability = ReadNpy(await client.GetByteArrayAsync(answer.Links.CellProbability!));
        Assert.Equal([256, 256], probability.Shape);

        using HttpResponseMessage unknown = await client.GetAsync($"/segment/{answer.Id}/labels.bmp");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_UNet_result_cannot_be_rethresholded()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        SegmentationResponse answer = await Http.SegmentAsync(client, Sample("dsb_4be73d68.png"), "?model=membranes");
        Assert.Null(answer.Links.Masks);
        Assert.Null(answer.Links.Flows);
        Assert.True(answer.ObjectCount > 0);

        using HttpResponseMessage masks = await client.PostAsync($"/segment/{answer.Id}/masks?flowThreshold=0", null);
        var (status, detail) = await Http.ProblemAsync(masks);
        Assert.Equal(409, status);
        Assert.Contains("no flows to re-threshold", detail);
    }

    [Theory]
    [InlineData("?model=nope", 404, "no model named 'nope'; this service has: membranes, nuclei")]
    [InlineData("?flowThreshold=abc", 400, "flowThreshold must be a number from 0 (no quality check) to 10, not 'abc'")]
    [InlineData("?cellprobThreshold=99", 400, "cellprobThreshold must be a number from -20 to 20")]
    [InlineData("?diameter=-3", 400, "diameter must be a positive number of pixels")]
    [InlineData("?minSize=1.5", 400, "minSize must be a whole number of pixels")]
    [InlineData("?imagePath=/etc/passwd", 400, "'imagePath': the service never reads files on the server")]
    [InlineData("?color=red", 400, "unknown parameter 'color'")]
    [InlineData("?channels=2", 400, "channels must be cytoplasm,nucleus in Cellpose's numbering")]
    public async Task Wrong_parameters_are_refused_with_the_reason(string query, int expectedStatus, string expectedDetail)
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        using HttpResponseMessage response = await Http.PostImageAsync(client, File.ReadAllBytes(Sample("dsb_4be73d68.png")), query);
        var (status, detail) = await Http.ProblemAsync(response);
        Assert.Equal(expectedStatus, status);
        Assert.Contains(expectedDetail, detail);
    }

    [Fact]
    public async Task A_grayscale_image_with_colour_channels_asked_for_gets_422_and_with_the_cards_channels_works()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        // A 16-bit single-channel PNG (a label image read as an image).
        byte[] gray = File.ReadAllBytes(Path.Combine(ServiceFactory.SampleMasks, "dsb_4be73d68.png"));

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, gray, "?channels=2,3&name=gray.png"));
        Assert.Equal(422, status);
        Assert.Contains("gray.png: has 1 channel(s) but the model reads green (channel 2)", detail);
        Assert.True((await Http.ReadAsync(await Http.PostImageAsync(client, gray, "?channels=0,0"))).ObjectCount > 0);
    }

    [Fact]
    public async Task Bad_uploads_get_400_or_415_naming_the_problem()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        byte[] png = File.ReadAllBytes(Sample("dsb_4be73d68.png"));

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, "not an image at all"u8.ToArray(), "?name=x.png"));
        Assert.Equal(400, status);
        Assert.Contains("x.png: not a PNG, TIFF or JPEG image", detail);

        (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, png[..(png.Length / 2)], "?name=half.png"));
        Assert.Equal(400, status);
        Assert.Contains("half.png", detail);
        Assert.Contains("truncated", detail);

        (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, [], "?name=empty.png"));
        Assert.Equal(400, status);
        Assert.Contains("the request has no image", detail);

        (status, detail) = await Http.ProblemAsync(await client.PostAsJsonAsync("/segment", new { imagePath = "/etc/passwd" }));
        Assert.Equal(415, status);
        Assert.Contains("never reads files on the server", detail);

        (status, detail) = await Http.ProblemAsync(await client.PostAsync("/segment/0123456789abcdef/masks", null));
        Assert.Equal(404, status);
        Assert.Contains("no result '0123456789abcdef'", detail);
    }

    [Fact]
    public async Task Health_and_openapi_answer()
    {
        using HttpClient client = await _factory.ReadyClientAsync();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal("Healthy", await client.GetStringAsync("/health/ready"));
        using JsonDocument openapi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        JsonElement paths = openapi.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/segment", out _));
        Assert.True(paths.TryGetProperty("/models", out _));
        Assert.Contains("<title>SegKit viewer</title>", await client.GetStringAsync("/"));
    }

    internal static LabelImage Decode(byte[] bytes, string extension)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("segkit-service-").FullName, "labels" + extension);
        File.WriteAllBytes(file, bytes);
        return LabelImageFile.Read(file);
    }

    private static NpyArray ReadNpy(byte[] bytes)
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("segkit-service-").FullName, "a.npy");
        File.WriteAllBytes(file, bytes);
        return NpyFile.Read(file);
    }

    /// <summary>The service with its default limits, shared by the tests of this class.</summary>
    public sealed class Default : IDisposable
    {
        public ServiceFactory Factory { get; } = new();

        public void Dispose() => Factory.Dispose();
    }
}
