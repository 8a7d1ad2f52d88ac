using Microsoft.Extensions.Logging;
using Redwood.SocketIO;
using Redwood.SocketIO.ConformanceServer;

var (endpoint, options) = ConformanceApp.ParseArguments(args);
using var loggerFactory = LoggerFactory.Create(logging => logging
    .AddSimpleConsole(console => console.SingleLine = true)
    .SetMinimumLevel(LogLevel.Warning));

await using var server = new SocketIOServer(options, loggerFactory);
ConformanceApp.Configure(server);

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stopping.Cancel();
});

await using var listener = await SocketIOListener.StartAsync(server, endpoint, null, loggerFactory, CancellationToken.None);
var host = endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
Console.WriteLine($"Now listening on: http://{host}:{listener.Port}");

try
{
    await Task.Delay(Timeout.Infinite, stopping.Token);
}
catch (OperationCanceledException)
{
    // Ctrl+C or SIGTERM: fall through to the graceful stop.
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
await listener.StopAsync(timeout.Token);
