using System.Threading.Tasks.Sources;

namespace Redwood.Realm.Transport;

/// <summary>
/// An ack that lets a handler push an event strictly after its ack. The Socket.IO library queues the ack packet in
/// the continuation of the task a handler returns. This source reports when that continuation is registered
/// (<see cref="Awaited"/>) and, being completed only afterwards with inline continuations, runs it — and so queues the
/// ack — inside <see cref="Complete"/>. Whatever the caller sends after <see cref="Complete"/> follows the ack.
/// </summary>
internal sealed class AckThenPush : IValueTaskSource<object>
{
    private readonly TaskCompletionSource _awaited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetValueTaskSourceCore<object> _core = new() { RunContinuationsAsynchronously = false };

    /// <summary>The ack to return from the handler.</summary>
    public ValueTask<object> Ack => new(this, _core.Version);

    /// <summary>Completes once the library awaits <see cref="Ack"/>.</summary>
    public Task Awaited => _awaited.Task;

    /// <summary>
    /// Waits until the library awaits the ack (it does so as soon as the handler returns), then completes it: the
    /// library queues the ack inline, before this method returns.
    /// </summary>
    public async Task Complete(object ack)
    {
        await Awaited;
        _core.SetResult(ack);
    }

    /// <summary>Fails the ack; the library maps the exception to an error ack.</summary>
    public async Task Fail(Exception exception)
    {
        await Awaited;
        _core.SetException(exception);
    }

    object IValueTaskSource<object>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<object>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<object>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        _core.OnCompleted(continuation, state, token, flags);
        _awaited.TrySetResult();
    }
}
