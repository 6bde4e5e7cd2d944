using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SegKit.Testing;

namespace SegKit.Service.Tests;

/// <summary>Every limit of the service, each with the status and message a client gets, and the service still up afterwards.</summary>
public sealed class LimitTests
{
    private static byte[] SamplePng => File.ReadAllBytes(Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"));

    [Fact]
    public async Task A_body_above_the_byte_limit_gets_413_naming_the_limit_with_or_without_a_length()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxRequestBytes"] = "10000" });
        using HttpClient client = await factory.ReadyClientAsync();

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, SamplePng));
        Assert.Equal(413, status);
        Assert.Contains($"the upload is {SamplePng.Length:N0} bytes, above the limit of 10,000 bytes (SegKit:MaxRequestBytes)", detail);

        // Chunked: no Content-Length, so the limit is found while reading.
        var chunked = new StreamContent(new MemoryStream(SamplePng)) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/segment") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        (status, detail) = await Http.ProblemAsync(await client.SendAsync(request));
        Assert.Equal(413, status);
        Assert.Contains("above the limit of 10,000 bytes", detail);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/models")).StatusCode);
    }

    [Fact]
    public async Task A_form_over_its_field_limit_gets_400_naming_it_and_a_form_file_over_the_byte_limit_413()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxRequestBytes"] = "10000" });
        using HttpClient client = await factory.ReadyClientAsync();

        using var fields = new MultipartFormDataContent();
        for (int i = 0; i < 17; i++)
        {
            fields.Add(new StringContent("x"), $"field{i}");
        }

        fields.Add(new ByteArrayContent(new byte[100]) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", "a.png");
        var (status, detail) = await Http.ProblemAsync(await client.PostAsync("/segment", fields));
        Assert.Equal(400, status);
        Assert.Contains("the multipart form cannot be read: Form value count limit 16 exceeded", detail);

        using var large = new MultipartFormDataContent { { new ByteArrayContent(SamplePng) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } }, "image", "a.png" } };
        (status, detail) = await Http.ProblemAsync(await client.PostAsync("/segment", large));
        Assert.Equal(413, status);
        Assert.Contains("above the limit of 10,000 bytes", detail);
    }

    [Fact]
    public async Task A_30000_by_30000_image_gets_413_before_any_decoding()
    {
        await using var factory = new ServiceFactory();
        using HttpClient client = await factory.ReadyClientAsync();

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, HugeBlackPng.Value, "?name=huge.png"));
        Assert.Equal(413, status);
        Assert.Contains("huge.png is 30000 x 30000 (900 megapixels), above this service's limit of 16 megapixels per image (SegKit:MaxMegapixels)", detail);
    }

    [Fact]
    public async Task A_diameter_that_upscales_the_image_past_the_megapixel_limit_gets_413_before_the_network_runs()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxMegapixels"] = "1" });
        using HttpClient client = await factory.ReadyClientAsync();

        // The 256 x 256 sample at 2 px is upscaled 8.5x for the nuclei model's 17 px objects: 4.7 megapixels.
        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, SamplePng, "?name=s.png&diameter=2"));
        Assert.Equal(413, status);
        Assert.Contains("s.png at diameter=2 is resampled to 2176 x 2176 (4.73 megapixels) for the model's 17 px objects, above this service's limit of 1 megapixels per image (SegKit:MaxMegapixels)", detail);

        // So small that the resampled image could not even be held.
        (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, SamplePng, "?name=s.png&diameter=0.0001"));
        Assert.Equal(413, status);
        Assert.Contains("s.png: at an object diameter of 0.0001 px the 256 x 256 image would be resampled", detail);

        Assert.Equal(HttpStatusCode.OK, (await Http.PostImageAsync(client, SamplePng, "?name=s.png&diameter=17")).StatusCode);
    }

    [Fact]
    public async Task A_header_that_claims_more_pixels_than_its_file_can_hold_gets_400()
    {
        await using var factory = new ServiceFactory();
        using HttpClient client = await factory.ReadyClientAsync();

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, PngBuilder.Assemble(30_000, 30_000, 8, 0, [0x78, 0x9C, 0x03, 0x00]), "?name=liar.png"));
        Assert.Equal(400, status);
        Assert.Contains("liar.png: corrupt PNG file: the header says 30000x30000 pixels, which a 61-byte file cannot hold", detail);
    }

    [Fact]
    public async Task A_header_that_lies_small_about_a_damaged_image_gets_400()
    {
        await using var factory = new ServiceFactory();
        using HttpClient client = await factory.ReadyClientAsync();

        var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, PngBuilder.Assemble(64, 64, 8, 0, [0x78, 0x9C, 0x03, 0x00]), "?name=liar.png"));
        Assert.Equal(400, status);
        Assert.Contains("liar.png", detail);
    }

    [Fact]
    public async Task An_API_key_is_required_for_the_API_but_not_for_health_checks_or_the_viewer()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["ApiKey"] = "correct-horse-battery" });
        using HttpClient client = factory.CreateClient();
        await Ready.WaitAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        var (status, detail) = await Http.ProblemAsync(await client.GetAsync("/models"));
        Assert.Equal(401, status);
        Assert.Contains("needs an API key in the X-Api-Key header", detail);

        client.DefaultRequestHeaders.Add("X-Api-Key", "wrong-key-guess");
        (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, SamplePng));
        Assert.Equal(401, status);
        Assert.Contains("is wrong", detail);

        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", "correct-horse-battery");
        Assert.True((await Http.SegmentAsync(client, Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"))).ObjectCount > 10);
    }

    [Fact]
    public async Task Fifty_requests_at_once_against_a_queue_of_four_get_429_with_retry_after_and_no_5xx()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxConcurrentRuns"] = "1", ["QueueLength"] = "4" });
        using HttpClient client = await factory.ReadyClientAsync();
        byte[] png = SamplePng;

        HttpResponseMessage[] answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => Http.PostImageAsync(client, png))));

        int ok = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        HttpResponseMessage[] busy = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        Assert.Equal(50, ok + busy.Length);
        Assert.InRange(ok, 5, 45);
        Assert.NotEmpty(busy);
        foreach (HttpResponseMessage refused in busy)
        {
            Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After");
            Assert.Contains("the service is busy", (await Http.ProblemAsync(refused)).Detail);
        }

        // The queue is empty again and the service answers.
        WorkQueue queue = factory.Services.GetRequiredService<WorkQueue>();
        Assert.Equal(0, queue.Admitted);
        Assert.True((await Http.SegmentAsync(client, Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"))).ObjectCount > 10);
    }

    [Fact]
    public async Task A_request_that_waits_past_the_time_limit_gets_504_and_frees_its_place()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxConcurrentRuns"] = "1", ["RequestTimeout"] = "00:00:01" });
        using HttpClient client = await factory.ReadyClientAsync();
        WorkQueue queue = factory.Services.GetRequiredService<WorkQueue>();

        // The one run place is taken, so the request waits until its time is up.
        using (WorkLease? held = await queue.EnterAsync(CancellationToken.None))
        {
            Assert.NotNull(held);
            var (status, detail) = await Http.ProblemAsync(await Http.PostImageAsync(client, SamplePng));
            Assert.Equal(504, status);
            Assert.Contains("longer than this service's limit of 1 s (SegKit:RequestTimeout), uploading or waiting for a run", detail);
            Assert.Equal(1, queue.Admitted);
        }

        Assert.Equal(0, queue.Admitted);
    }

    [Fact]
    public async Task Re_thresholding_and_downloads_take_a_run_place_waiting_for_it_or_getting_429_when_the_queue_is_full()
    {
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["MaxConcurrentRuns"] = "1", ["QueueLength"] = "1" });
        using HttpClient client = await factory.ReadyClientAsync();
        WorkQueue queue = factory.Services.GetRequiredService<WorkQueue>();
        SegmentationResponse first = await Http.SegmentAsync(client, Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png"));
        string masks = $"/segment/{first.Id}/masks?flowThreshold=0";
        string overlay = $"/segment/{first.Id}/overlay.png";

        // The short limit holds only while the run place is taken, so that real work on a loaded machine (CI runs test
        // assemblies side by side on two cores) is never what runs out of time.
        SegKitServiceOptions options = factory.Services.GetRequiredService<IOptions<SegKitServiceOptions>>().Value;
        TimeSpan generous = options.RequestTimeout;
        options.RequestTimeout = TimeSpan.FromSeconds(4);
        using (WorkLease? running = await queue.EnterAsync(CancellationToken.None))
        {
            // The run place is taken and one waiting place is free: the request waits for the run until its time is up.
            var (status, detail) = await Http.ProblemAsync(await client.PostAsync(masks, null));
            Assert.Equal(504, status);
            Assert.Contains("longer than this service's limit of 4 s (SegKit:RequestTimeout), waiting for a run", detail);
            (status, _) = await Http.ProblemAsync(await client.GetAsync(overlay));
            Assert.Equal(504, status);

            // Both places taken: refused at once, with Retry-After.
            using (WorkLease? waiting = queue.TryAdmit())
            {
                Assert.NotNull(waiting);
                foreach (HttpResponseMessage refused in new[] { await client.PostAsync(masks, null), await client.GetAsync(overlay) })
                {
                    Assert.True(refused.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "no Retry-After");
                    (status, detail) = await Http.ProblemAsync(refused);
                    Assert.Equal(429, status);
                    Assert.Contains("the service is busy", detail);
                }

                // What cannot succeed is answered without a place.
                (status, detail) = await Http.ProblemAsync(await client.GetAsync($"/segment/{first.Id}/masks.bmp"));
                Assert.Equal(404, status);
                Assert.Contains("no file 'masks.bmp'; a result has labels.png, labels.tif", detail);
                (status, _) = await Http.ProblemAsync(await client.PostAsync("/segment/0123/masks?flowThreshold=0", null));
                Assert.Equal(404, status);
            }
        }

        Assert.Equal(0, queue.Admitted);
        options.RequestTimeout = generous;
        using HttpResponseMessage rethresholded = await client.PostAsync(masks, null);
        Assert.Equal(HttpStatusCode.OK, rethresholded.StatusCode);
        using HttpResponseMessage image = await client.GetAsync(overlay);
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, queue.Admitted);
    }

    [Fact]
    public async Task The_result_cache_stays_within_its_memory_budget()
    {
        // The size of one 256 x 256 result (its image and its network output at the estimated scale), measured first, then
        // a budget with room for one such result, not two.
        string image = Path.Combine(ServiceFactory.Samples, "dsb_4be73d68.png");
        long one;
        await using (var measuring = new ServiceFactory())
        {
            using HttpClient probe = await measuring.ReadyClientAsync();
            await Http.SegmentAsync(probe, image);
            one = measuring.Services.GetRequiredService<ResultCache>().Bytes;
        }

        Assert.InRange(one, 1_000_000, 8_000_000);
        long budget = one * 3 / 2;
        await using var factory = new ServiceFactory(new Dictionary<string, string> { ["ResultCacheBytes"] = budget.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using HttpClient client = await factory.ReadyClientAsync();
        SegmentationResponse first = await Http.SegmentAsync(client, image);
        SegmentationResponse second = await Http.SegmentAsync(client, image);

        ResultCache cache = factory.Services.GetRequiredService<ResultCache>();
        Assert.Equal(1, cache.Count);
        Assert.InRange(cache.Bytes, 1, budget);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{first.Links.Masks}?flowThreshold=0", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{second.Links.Masks}?flowThreshold=0", null)).StatusCode);
    }

    /// <summary>A real 30,000 x 30,000 8-bit black PNG (about 0.9 MB: zeros compress 1000-fold), made once.</summary>
    private static readonly Lazy<byte[]> HugeBlackPng = new(() =>
    {
        const int Side = 30_000;
        using var deflated = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(deflated, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            byte[] row = new byte[Side + 1]; // filter byte 0, then the pixels
            for (int y = 0; y < Side; y++)
            {
                zlib.Write(row);
            }
        }

        return PngBuilder.Assemble(Side, Side, 8, 0, deflated.ToArray());
    });
}
