using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Redwood.Testing;

/// <summary>Keeps every log line a host writes (formatted as a console line would be) so tests can assert on them.</summary>
public sealed class LogCapture : ILoggerProvider
{
    /// <summary>Every entry so far, oldest first.</summary>
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    /// <summary>Characters written at <paramref name="minimum"/> level and above (message, category and exception text).</summary>
    public long Size(LogLevel minimum = LogLevel.Information) =>
        Entries.Where(e => e.Level >= minimum).Sum(e => (long)e.Category.Length + e.Message.Length + (e.Exception?.ToString().Length ?? 0));

    /// <summary>Entries at <paramref name="level"/> and above.</summary>
    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. Entries.Where(e => e.Level >= level)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Entries.Enqueue(new LogEntry(logLevel, eventId, category, formatter(state, exception), exception));
    }
}

/// <summary>One captured log line.</summary>
public sealed record LogEntry(LogLevel Level, EventId Id, string Category, string Message, Exception? Exception);
