using Redwood.Director.Domain;
using Redwood.Testing;

namespace Redwood.Director.Tests.Unit;

/// <summary>How long a refused registration waits: the median of the recent successful ones, bounded.</summary>
public sealed class RegistrationTimingTests
{
    [Fact]
    public void Before_any_registration_a_refusal_waits_for_nothing()
    {
        var timing = new RegistrationTiming(new ManualClock());

        Assert.Equal(TimeSpan.Zero, timing.Typical());
        Assert.True(timing.PadAsync(timing.Start(), default).IsCompleted);
    }

    [Fact]
    public void A_refusal_waits_for_the_median_of_the_recent_registrations_so_one_slow_insert_does_not_move_it()
    {
        var clock = new ManualClock();
        var timing = new RegistrationTiming(clock);
        foreach (var milliseconds in new[] { 12, 9, 400, 10, 11 })
        {
            Registered(timing, clock, milliseconds);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(11), timing.Typical());
    }

    [Fact]
    public void The_median_follows_the_server_as_it_gets_busier()
    {
        var clock = new ManualClock();
        var timing = new RegistrationTiming(clock);
        for (var i = 0; i < 100; i++)
        {
            Registered(timing, clock, i < 50 ? 5 : 80);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(80), timing.Typical());
    }

    [Fact]
    public void A_refusal_that_already_took_as_long_does_not_wait()
    {
        var clock = new ManualClock();
        var timing = new RegistrationTiming(clock);
        Registered(timing, clock, 20);

        var refused = timing.Start();
        clock.Advance(TimeSpan.FromMilliseconds(25));

        Assert.True(timing.PadAsync(refused, default).IsCompleted);
    }

    [Fact]
    public async Task A_refusal_sooner_than_a_typical_registration_waits_for_the_difference()
    {
        var clock = new ManualClock();
        var timing = new RegistrationTiming(clock);
        Registered(timing, clock, 30);

        var refused = timing.Start();
        clock.Advance(TimeSpan.FromMilliseconds(10));
        var pad = timing.PadAsync(refused, default);

        Assert.False(pad.IsCompleted);
        await pad;
    }

    private static void Registered(RegistrationTiming timing, ManualClock clock, int milliseconds)
    {
        var started = timing.Start();
        clock.Advance(TimeSpan.FromMilliseconds(milliseconds));
        timing.Succeeded(started);
    }
}
