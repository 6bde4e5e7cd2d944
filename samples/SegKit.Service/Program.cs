using SegKit.ML;
using SegKit.Service;

// A saved SegKit pipeline (mlContext.Model.Save of a fitted SegmentCells chain) served by a minimal API. PredictionEngine is
// not thread-safe: the pool hands one engine to each request at a time.
var builder = WebApplication.CreateBuilder(args);
string modelZip = builder.Configuration["SegKit:Model"]
    ?? throw new InvalidOperationException("set SegKit:Model (e.g. --SegKit:Model=pipeline.zip) to a saved SegKit pipeline");
builder.Services.AddSingleton(_ => PooledPredictionEngine<MicroscopyImageInput, SegmentedCells>.FromFile(modelZip));

var app = builder.Build();
app.MapGet("/health", () => Results.Ok("ok"));
app.MapPost("/segment", (SegmentRequest request, PooledPredictionEngine<MicroscopyImageInput, SegmentedCells> pool) =>
{
    if (string.IsNullOrWhiteSpace(request.ImagePath))
    {
        return Results.BadRequest(new SegmentResponse(0, 0, 0, null, "imagePath is required"));
    }

    SegmentedCells cells = pool.Predict(new MicroscopyImageInput { ImagePath = request.ImagePath });
    return cells.Succeeded
        ? Results.Ok(new SegmentResponse(cells.ObjectCount, cells.Height, cells.Width, request.IncludeMasks ? cells.Masks : null, null))
        : Results.UnprocessableEntity(new SegmentResponse(0, 0, 0, null, cells.ImageError));
});
app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
