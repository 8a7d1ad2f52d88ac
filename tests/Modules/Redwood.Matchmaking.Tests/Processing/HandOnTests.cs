using Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Redwood.Matchmaking.Contracts;
using Redwood.Matchmaking.Domain;
using Redwood.Matchmaking.Features.Processing;
using Redwood.Matchmaking.Persistence;
using Redwood.Realm.Contracts;
using Redwood.SharedKernel.Ephemeral;
using Redwood.Testing;

namespace Redwood.Matchmaking.Tests.Processing;

/// <summary>
/// A matcher that dies after writing a match and before handing it on to the Realm, on the in-process store and on
/// real Redis: the match and its placed tickets were written as one, and the next matcher returns them to the pool
/// once the matcher lease would have moved, not after <c>MaxMatchAge</c>. A match that was handed on stays.
/// </summary>
public sealed class HandOnTests(EphemeralStores stores) : IClassFixture<EphemeralStores>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private readonly ManualClock _time = new(Start);

    public static TheoryData<string> Stores => EphemeralStores.Kinds;

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_match_never_handed_on_returns_to_the_pool_once_its_matcher_would_have_lost_the_lease(string kind)
    {
        var (store, tickets) = await TwoWaitingAsync(kind);

        // The first matcher writes the match and dies before handing it on.
        var dying = new RecordingPublisher { DiesOn = typeof(MatchFound) };
        await Assert.ThrowsAsync<ProcessDied>(() => Tick(store, dying));
        var lost = Assert.Single(await tickets.MatchesAsync("default", default));
        Assert.All(await tickets.AllAsync("default", default), t => Assert.Equal((TicketState.Placed, lost.Id), (t.State, t.MatchId)));

        // Within the grace the match may still be on its way: nothing moves.
        var next = new RecordingPublisher();
        _time.Advance(TimeSpan.FromSeconds(3));
        await Tick(store, next);
        Assert.Empty(next.Published.OfType<MatchFound>());
        Assert.Equal(lost.Id, Assert.Single(await tickets.MatchesAsync("default", default)).Id);

        // Past it (the lease time: interval plus five seconds), the tickets go back and are matched afresh.
        _time.Advance(TimeSpan.FromSeconds(3.5));
        await Tick(store, next);
        var found = Assert.Single(next.Published.OfType<MatchFound>());
        Assert.NotEqual(lost.Id, found.MatchId);
        Assert.Equal(["a", "b"], found.Tickets.Select(t => t.TicketId).Order());
        Assert.Equal(found.MatchId, Assert.Single(await tickets.MatchesAsync("default", default)).Id);
        Assert.Equal([found.MatchId], await tickets.HandedOnAsync("default", default));
        var told = next.Published.OfType<TicketsUpdated>().SelectMany(u => u.Messages).Select(m => m.Message).ToList();
        Assert.Contains("Match expired: no game server became ready in time; searching again", told);

        // A match that was handed on waits for its server up to MaxMatchAge.
        _time.Advance(TimeSpan.FromSeconds(30));
        await Tick(store, next);
        Assert.Single(next.Published.OfType<MatchFound>());
        Assert.Equal(found.MatchId, Assert.Single(await tickets.MatchesAsync("default", default)).Id);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task A_queue_admission_never_handed_on_goes_back_to_the_queue_once_its_matcher_would_have_lost_the_lease(string kind)
    {
        var store = Create(kind);
        var tickets = new TicketStore(store);
        await tickets.SaveAsync(Waiting("q") with { Kind = TicketKind.Queue, ProfileId = null, ProxyId = "proxy", ZoneName = "town" }, default);

        await Assert.ThrowsAsync<ProcessDied>(() => Tick(store, new RecordingPublisher { DiesOn = typeof(QueueAdmitted) }));
        Assert.Equal(TicketState.Placed, Assert.Single(await tickets.AllAsync("default", default)).State);

        var next = new RecordingPublisher();
        _time.Advance(TimeSpan.FromSeconds(3));
        await Tick(store, next);
        Assert.Empty(next.Published.OfType<QueueAdmitted>());

        _time.Advance(TimeSpan.FromSeconds(3.5));
        await Tick(store, next);
        Assert.Equal("q", Assert.Single(next.Published.OfType<QueueAdmitted>()).TicketId);
        Assert.Equal(["q"], await tickets.HandedOnAsync("default", default));

        _time.Advance(TimeSpan.FromSeconds(30));
        await Tick(store, next);
        Assert.Single(next.Published.OfType<QueueAdmitted>());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task Marks_of_matches_that_are_over_are_dropped(string kind)
    {
        var (store, tickets) = await TwoWaitingAsync(kind);
        var publisher = new RecordingPublisher();
        await Tick(store, publisher);
        var found = Assert.Single(publisher.Published.OfType<MatchFound>());

        // The Realm served the match: its tickets and the match are gone, the mark stays until the next tick.
        foreach (var ticket in found.Tickets)
        {
            await tickets.DeleteAsync("default", ticket.TicketId, default);
        }

        await tickets.DeleteMatchAsync("default", found.MatchId, default);
        await Tick(store, publisher);

        Assert.Empty(await tickets.HandedOnAsync("default", default));
    }

    private async Task Tick(IEphemeralStore store, RecordingPublisher publisher)
    {
        var settings = MatchmakingSettings.Read(new ConfigurationBuilder().AddInMemoryCollection().Build());
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var tickets = new TicketStore(store);
        var notices = new TicketNotices();
        var handler = new ProcessTicketsHandler(
            tickets,
            new RealmLocks(),
            notices,
            new MatcherStatus(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            new QueueAdmission(tickets, notices, new AdmissionPace(settings), new RoomySender(), NullLogger<QueueAdmission>.Instance),
            settings,
            publisher,
            _time,
            NullLogger<ProcessTicketsHandler>.Instance);
        await handler.Handle(new ProcessTicketsCommand(), default);
    }

    /// <summary>A store holding two waiting tickets, a and b, that the default profile matches together.</summary>
    private async Task<(IEphemeralStore Store, TicketStore Tickets)> TwoWaitingAsync(string kind)
    {
        var store = Create(kind);
        var tickets = new TicketStore(store);
        await tickets.SaveAsync(Waiting("a"), default);
        await tickets.SaveAsync(Waiting("b"), default);
        return (store, tickets);
    }

    private Ticket Waiting(string id) => new()
    {
        Id = id, RealmId = "default", PlayerId = "player-" + id, CharacterId = "character-" + id, Kind = TicketKind.Matchmaking,
        ProfileId = "default", Regions = [new RegionPing("local", 0.01)], CreatedAt = _time.GetUtcNow(), WaitingSince = _time.GetUtcNow(),
    };

    private IEphemeralStore Create(string kind) => stores.Create(kind, _time);

    private sealed class ProcessDied : Exception;

    /// <summary>Records what the matcher publishes; throws at the first notification of <see cref="DiesOn"/>.</summary>
    private sealed class RecordingPublisher : IPublisher
    {
        public Type? DiesOn { get; init; }

        public List<object> Published { get; } = [];

        public ValueTask Publish<TNotification>(TNotification notification, CancellationToken cancellationToken = default)
            where TNotification : INotification => Publish((object)notification, cancellationToken);

        public ValueTask Publish(object notification, CancellationToken cancellationToken = default)
        {
            if (notification.GetType() == DiesOn)
            {
                throw new ProcessDied();
            }

            Published.Add(notification);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>The Realm as queue admission asks it: every zone is live, with room and no shard yet.</summary>
    private sealed class RoomySender : ISender
    {
        public ValueTask<TResponse> Send<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken = default) =>
            request is GetZoneLoad ? ValueTask.FromResult((TResponse)(object)new ZoneLoadReply(true, 10, [])) : throw Unexpected();

        public ValueTask<TResponse> Send<TResponse>(ICommand<TResponse> command, CancellationToken cancellationToken = default) => throw Unexpected();

        public ValueTask<TResponse> Send<TResponse>(IQuery<TResponse> query, CancellationToken cancellationToken = default) => throw Unexpected();

        public ValueTask<object?> Send(object message, CancellationToken cancellationToken = default) => throw Unexpected();

        public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamRequest<TResponse> request, CancellationToken cancellationToken = default) => throw Unexpected();

        public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamCommand<TResponse> command, CancellationToken cancellationToken = default) => throw Unexpected();

        public IAsyncEnumerable<TResponse> CreateStream<TResponse>(IStreamQuery<TResponse> query, CancellationToken cancellationToken = default) => throw Unexpected();

        public IAsyncEnumerable<object?> CreateStream(object request, CancellationToken cancellationToken = default) => throw Unexpected();

        private static InvalidOperationException Unexpected() => new("The matcher asked the Realm something other than a zone load");
    }
}
