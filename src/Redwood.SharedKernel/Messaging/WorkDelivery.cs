namespace Redwood.SharedKernel.Messaging;

/// <summary>
/// What the handlers of a <see cref="DurableNotification"/> know about its delivery. Delivered from a Redis Stream, the
/// entry is acknowledged only after the handlers return, so a handler that starts long work awaits it there (a process
/// killed mid-work leaves the entry pending for another); a redelivery means the first consumer died or failed, and
/// work it had claimed may be taken over. Delivered in process (no Redis), nothing is pending and handlers may run the
/// work in the background.
/// </summary>
public static class WorkDelivery
{
    private static readonly AsyncLocal<Delivery?> Current = new();

    /// <summary>True while handlers run for an entry taken from a work stream.</summary>
    public static bool IsFromStream => Current.Value is not null;

    /// <summary>True while handlers run for an entry another consumer had taken before (it died or failed).</summary>
    public static bool IsRedelivery => Current.Value?.Redelivered == true;

    /// <summary>Marks the handlers run inside the returned scope as handling one stream entry.</summary>
    public static Scope Begin(bool redelivered)
    {
        var previous = Current.Value;
        Current.Value = new Delivery(redelivered);
        return new Scope(previous);
    }

    /// <summary>Ends a <see cref="Begin"/>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly Delivery? _previous;

        internal Scope(Delivery? previous) => _previous = previous;

        /// <inheritdoc />
        public void Dispose() => Current.Value = _previous;
    }

    internal sealed record Delivery(bool Redelivered);
}
