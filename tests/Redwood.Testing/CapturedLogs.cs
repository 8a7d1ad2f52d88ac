using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Redwood.Testing;

/// <summary>One log entry the host wrote.</summary>
/// <param name="Level">Its level.</param>
/// <param name="Category">The logger category.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception, if any.</param>
public sealed record LogEntry(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
{
    /// <summary>The event id (alias of <see cref="EventId"/>).</summary>
    public EventId Id => EventId;

    /// <inheritdoc />
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>A logger provider that keeps every entry, for assertions on what the host logged.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every entry so far.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Entries at Error or above.</summary>
    public IReadOnlyList<LogEntry> Errors => AtLeast(LogLevel.Error);

    /// <summary>Entries at <paramref name="level"/> or above.</summary>
    public IReadOnlyList<LogEntry> AtLeast(LogLevel level) => [.. _entries.Where(e => e.Level >= level)];

    /// <summary>Characters logged at <paramref name="minimum"/> or above (category, message and exception), a proxy for log volume.</summary>
    public long Size(LogLevel minimum = LogLevel.Information) =>
        _entries.Where(e => e.Level >= minimum).Sum(e => (long)e.Category.Length + e.Message.Length + (e.Exception?.ToString().Length ?? 0));

    /// <summary>Forgets what was captured so far.</summary>
    public void Clear() => _entries.Clear();

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._entries.Enqueue(new LogEntry(logLevel, category, eventId, formatter(state, exception), exception));
    }
}
