namespace Redwood.SocketIO.Tests.Support;

/// <summary>Event-driven waits with a generous timeout.</summary>
internal static class Events
{
    public static TaskCompletionSource<T> Create<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static Task<T> WithTimeout<T>(this TaskCompletionSource<T> source) => source.Task.WaitAsync(TestServer.Timeout);

    public static Task WithTimeout(this Task task) => task.WaitAsync(TestServer.Timeout);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(TestServer.Timeout);
}
