using System.Collections.Concurrent;

namespace Redwood.SharedKernel.Modules;

/// <summary>
/// What modules learn while starting and an operator needs to know (the realm served here, the realms the Director
/// lists, where each store lives), gathered for the host's one start-up report.
/// </summary>
public sealed class StartupFacts
{
    private readonly ConcurrentQueue<(string Topic, string Text)> _facts = new();

    /// <summary>Records a fact under a short topic (<c>store</c>, <c>realm</c>, ...).</summary>
    public void Add(string topic, string text) => _facts.Enqueue((topic, text));

    /// <summary>Every fact so far, in the order recorded.</summary>
    public IReadOnlyList<(string Topic, string Text)> Snapshot() => [.. _facts];
}
