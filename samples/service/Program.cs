using SegKit.Service;

// Models from the "SegKit" configuration section (ModelsDirectory, limits, ApiKey: see SegKitServiceOptions) and
// the shipped models copied beside the application; the API, health checks, OpenAPI and the viewer at /.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSegKit(builder.Configuration);

var app = builder.Build();
app.MapSegKit();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
