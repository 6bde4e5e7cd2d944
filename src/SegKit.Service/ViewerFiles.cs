using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SegKit.Service;

/// <summary>The web viewer's three files, embedded in this assembly and served at /, /viewer.js and /viewer.css.</summary>
internal static class ViewerFiles
{
    private static readonly (string Route, string Resource, string ContentType)[] Files =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/viewer.js", "viewer.js", "text/javascript; charset=utf-8"),
        ("/viewer.css", "viewer.css", "text/css; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        foreach (var (route, resource, contentType) in Files)
        {
            byte[] content = Read(resource);
            endpoints.MapGet(route, () => Results.Bytes(content, contentType)).ExcludeFromDescription();
        }
    }

    private static byte[] Read(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"SegKit.Service.wwwroot.{name}")
            ?? throw new InvalidOperationException($"the viewer file {name} is not embedded in SegKit.Service");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
