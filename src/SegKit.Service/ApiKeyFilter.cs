using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SegKit.Service;

/// <summary>When an API key is configured, an API request without it in the <c>X-Api-Key</c> header gets 401.</summary>
public sealed class ApiKeyFilter(IOptions<SegKitServiceOptions> options) : IEndpointFilter
{
    public const string HeaderName = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (options.Value.ApiKey is { } expected)
        {
            string sent = context.HttpContext.Request.Headers[HeaderName].ToString();
            // Compared in constant time, so the answer's timing says nothing about how much of a guess was right.
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(sent), Encoding.UTF8.GetBytes(expected)))
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = HeaderName;
                return Results.Problem(
                    detail: sent.Length == 0 ? $"this service needs an API key in the {HeaderName} header" : $"the API key in the {HeaderName} header is wrong",
                    statusCode: StatusCodes.Status401Unauthorized);
            }
        }

        return await next(context).ConfigureAwait(false);
    }
}
