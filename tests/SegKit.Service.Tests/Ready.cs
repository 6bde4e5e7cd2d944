namespace SegKit.Service.Tests;

internal static class Ready
{
    /// <summary>Waits (up to a minute) until /health/ready answers 200: the models load in the background at start.</summary>
    public static async Task WaitAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            using HttpResponseMessage response = await client.GetAsync("/health/ready");
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the service did not become ready: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(100);
        }
    }
}
