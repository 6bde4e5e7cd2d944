namespace SegKit.Service;

/// <summary>Where a request's time went, in seconds; <see cref="SecondsPerMegapixel"/> is the network and dynamics time over the image's size.</summary>
public sealed record TimingReport(double QueueSeconds, double DecodeSeconds, double NetworkSeconds, double DynamicsSeconds, double TotalSeconds, double SecondsPerMegapixel);
