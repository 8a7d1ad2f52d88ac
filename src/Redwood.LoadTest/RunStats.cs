using System.Collections.Concurrent;
using System.Diagnostics;

namespace Redwood.LoadTest;

/// <summary>Where a simulated player is in its flow, for the live view.</summary>
internal enum Stage
{
    Waiting,
    LoggingIn,
    HandingOff,
    Character,
    Matchmaking,
    Joining,
    Playing,
    Done,
    Failed,
}

/// <summary>The timed steps of a flow, in order; the report has one latency row per step.</summary>
internal static class Steps
{
    public const string Register = "register";
    public const string Login = "login";
    public const string Handoff = "hand-off";
    public const string HandoffToken = "hand-off: Director token";
    public const string RealmConnect = "hand-off: realm socket";
    public const string RealmSignIn = "hand-off: realm sign-in";
    public const string Character = "character";
    public const string Ping = "region ping";
    public const string MatchFound = "match found";
    public const string ConnectToInstance = "connect-to-instance";
    public const string Validated = "validated on game server";
    public const string MatchToValidated = "match found → validated";
    public const string Flow = "whole flow";
    public const string TokenLogin = "mix: token re-login";
    public const string CharacterEdit = "mix: character edit";
    public const string QueueJoin = "mix: ticket join and leave";

    public static readonly string[] Ordered =
        [Register, Login, Handoff, HandoffToken, RealmConnect, RealmSignIn, Character, Ping, MatchFound, ConnectToInstance, Validated, MatchToValidated, Flow, TokenLogin, CharacterEdit, QueueJoin];
}

/// <summary>One latency sample: which step, when it ended (seconds since the start) and how long it took.</summary>
internal readonly record struct Sample(string Step, double At, double Milliseconds);

/// <summary>Everything measured during a run, written to from every player at once.</summary>
internal sealed class RunStats
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly ConcurrentQueue<Sample> _samples = new();
    private readonly ConcurrentDictionary<string, ErrorTally> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<double> _completions = new();
    private readonly int[] _stages = new int[Enum.GetValues<Stage>().Length];
    private long _requests;

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public double Elapsed => _clock.Elapsed.TotalSeconds;

    public long Requests => Interlocked.Read(ref _requests);

    public int Completed => _completions.Count;

    public IEnumerable<Sample> Samples => _samples;

    public IEnumerable<double> Completions => _completions;

    public IReadOnlyDictionary<string, ErrorTally> Errors => _errors;

    public int ErrorCount => _errors.Values.Sum(e => e.Count);

    public int InStage(Stage stage) => Volatile.Read(ref _stages[(int)stage]);

    public void Move(Stage from, Stage to)
    {
        Interlocked.Decrement(ref _stages[(int)from]);
        Interlocked.Increment(ref _stages[(int)to]);
    }

    public void Enter(Stage stage) => Interlocked.Increment(ref _stages[(int)stage]);

    public void CountRequest() => Interlocked.Increment(ref _requests);

    public void Record(string step, TimeSpan took) => _samples.Enqueue(new Sample(step, Elapsed, took.TotalMilliseconds));

    public void Complete() => _completions.Enqueue(Elapsed);

    public void Fail(string kind, string step, string message) =>
        _errors.AddOrUpdate(
            kind,
            _ => new ErrorTally(1, $"{step}: {message}"),
            (_, tally) => tally with { Count = tally.Count + 1 });
}

/// <summary>How often one kind of error happened, with the first example.</summary>
internal sealed record ErrorTally(int Count, string Example);
