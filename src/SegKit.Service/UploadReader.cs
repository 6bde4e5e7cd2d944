using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace SegKit.Service;

/// <summary>
/// Reads an uploaded image: the raw body (any image content type, or application/octet-stream) or the first file of
/// a multipart form, never more than the byte limit (413 as soon as it is passed, whether the client announced its
/// length or not). JSON and text bodies are refused (415): a client sends an image, never a path to one.
/// </summary>
public static class UploadReader
{
    /// <summary>Multipart framing around the file: headers and boundaries.</summary>
    private const long MultipartOverhead = 64 * 1024;

    public static async Task<(byte[] Bytes, string? FileName)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string contentType = request.ContentType ?? "";
        // application/x-www-form-urlencoded is read as raw bytes: it is what curl --data-binary @cells.png sends.
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase))
        {
            throw new RequestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                $"the body is {contentType.Split(';')[0]}; send the image itself (PNG, TIFF or JPEG bytes) as the body or as a multipart form file: the service never reads files on the server");
        }

        bool multipart = contentType.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        long limit = multipart ? maxBytes + MultipartOverhead : maxBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(maxBytes, request.ContentLength.Value);
        }

        // Kestrel enforces the same limit on bodies sent without a length (chunked).
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        try
        {
            return multipart ? await ReadFormFileAsync(request, maxBytes, cancellationToken).ConfigureAwait(false) : (await ReadBodyAsync(request.Body, maxBytes, cancellationToken).ConfigureAwait(false), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge(maxBytes, null);
        }
        catch (BadHttpRequestException e)
        {
            // A body cut short or sent too slowly (Kestrel's 400 and 408): the client's problem, not the service's.
            throw new RequestRejectedException(e.StatusCode, $"the upload could not be read: {e.Message}");
        }
        catch (InvalidDataException e)
        {
            // The form reader's limits: only its body length limit is about the upload's size; the others (value count,
            // header and boundary lengths) and malformed multipart data are a bad form.
            throw e.Message.Contains("body length limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(maxBytes, null)
                : new RequestRejectedException(StatusCodes.Status400BadRequest, $"the multipart form cannot be read: {e.Message}");
        }
    }

    private static async Task<(byte[] Bytes, string? FileName)> ReadFormFileAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = maxBytes, ValueCountLimit = 16, MultipartHeadersLengthLimit = 16 * 1024 }, cancellationToken).ConfigureAwait(false);
        IFormFile file = form.Files.Count > 0 ? form.Files[0] : throw new RequestRejectedException(StatusCodes.Status400BadRequest, "the multipart form has no file; send the image as a form file (e.g. curl -F image=@cells.png)");
        if (file.Length > maxBytes)
        {
            throw TooLarge(maxBytes, file.Length);
        }

        await using Stream stream = file.OpenReadStream();
        byte[] bytes = await ReadBodyAsync(stream, maxBytes, cancellationToken).ConfigureAwait(false);
        string? name = ContentDispositionHeaderValue.TryParse(file.ContentDisposition, out var disposition) ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value : null;
        return (bytes, string.IsNullOrWhiteSpace(name) ? null : Path.GetFileName(name));
    }

    private static async Task<byte[]> ReadBodyAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes, null);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "the request has no image: send PNG, TIFF or JPEG bytes as the body");
        }

        return buffer.ToArray();
    }

    private static RequestRejectedException TooLarge(long maxBytes, long? size) =>
        new(StatusCodes.Status413PayloadTooLarge, size is long s
            ? $"the upload is {s:N0} bytes, above the limit of {maxBytes:N0} bytes (SegKit:MaxRequestBytes)"
            : $"the upload is above the limit of {maxBytes:N0} bytes (SegKit:MaxRequestBytes)");
}
