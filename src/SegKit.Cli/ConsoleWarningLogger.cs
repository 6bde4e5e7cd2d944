using Microsoft.Extensions.Logging;

namespace SegKit.Cli;

/// <summary>Shows library warnings (e.g. a CUDA fallback) as one line on standard error.</summary>
internal sealed class ConsoleWarningLogger(CliConsole console) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            console.Error.WriteLine($"segkit: warning: {formatter(state, exception)}");
        }
    }
}
