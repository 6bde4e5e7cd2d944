namespace SegKit.Service;

/// <summary>A request the service refuses, with the HTTP status and the reason to answer (and, for 429, when to retry).</summary>
public sealed class RequestRejectedException(int statusCode, string message, int? retryAfterSeconds = null) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public int? RetryAfterSeconds { get; } = retryAfterSeconds;
}
