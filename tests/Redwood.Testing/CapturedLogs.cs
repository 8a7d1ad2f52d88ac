using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Redwood.Testing;

/// <summary>One log entry a test host wrote.</summary>
/// <param name="Level">The level.</param>
/// <param name="Category">The logger category.</param>
/// <param name="EventId">The event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
public sealed record LogEntry(LogLevel Level, string Category, EventId EventId, string Message, Exception? Exception)
{
    /// <inheritdoc />
    public override string ToString() => $"{Level} {Category}[{EventId.Id}] {Message}{(Exception is null ? "" : " " + Exception.GetType().Name + ": " + Exception.Message)}";
}

/// <summary>
/// Keeps every entry a host logs (after the host's own level filters, so exactly what an operator would see), for tests
/// that assert on what was logged.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Every entry so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Entries at <see cref="LogLevel.Error"/> or above.</summary>
    public IReadOnlyList<LogEntry> Errors => [.. _entries.Where(e => e.Level >= LogLevel.Error)];

    /// <summary>Forgets the entries so far (to look only at what a later step logs).</summary>
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
