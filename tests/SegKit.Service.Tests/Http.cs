using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SegKit.Service.Tests;

internal static class Http
{
    public static async Task<HttpResponseMessage> PostImageAsync(HttpClient client, byte[] bytes, string query = "", string contentType = "image/png") =>
        await client.PostAsync($"/segment{query}", new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } });

    public static async Task<SegmentationResponse> SegmentAsync(HttpClient client, string path, string query = "")
    {
        using HttpResponseMessage response = await PostImageAsync(client, File.ReadAllBytes(path), query);
        return await ReadAsync(response);
    }

    public static async Task<SegmentationResponse> ReadAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<SegmentationResponse>())!;
    }

    /// <summary>The problem answer's status and detail.</summary>
    public static async Task<(int Status, string Detail)> ProblemAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, json.RootElement.GetProperty("detail").GetString()!);
    }
}
