using System.Globalization;
using Redwood.DevGameServer;

// An Unreal server command line: "-server -port=7000 -SidecarPort=3020" (other arguments are ignored), plus dev-only
// switches: -DevSaveInterval=<seconds>, -DevLoadDelay=<milliseconds>, -DevNeverLoad, -DevRefuseMaps=<id,id>.
var arguments = args.Select(a => a.TrimStart('-')).ToList();
string? Value(string name) => arguments
    .Where(a => a.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase))
    .Select(a => a[(name.Length + 1)..])
    .LastOrDefault();
bool Flag(string name) => arguments.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));

var options = new ServerOptions(
    int.Parse(Value("port") ?? "7777", CultureInfo.InvariantCulture),
    int.Parse(Value("SidecarPort") ?? "3020", CultureInfo.InvariantCulture),
    TimeSpan.FromSeconds(double.Parse(Value("DevSaveInterval") ?? "1", CultureInfo.InvariantCulture)),
    TimeSpan.FromMilliseconds(double.Parse(Value("DevLoadDelay") ?? "200", CultureInfo.InvariantCulture)),
    Flag("DevNeverLoad"),
    (Value("DevRefuseMaps") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal));

await using var server = new DevGameServer(options);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.Cancel();

// Launched by the Redwood host with a pipe on stdin: end of input means the host is gone, so never outlive it.
if (Console.IsInputRedirected)
{
    _ = Task.Run(async () =>
    {
        var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await input.ReadAsync(buffer) > 0)
        {
        }

        Console.WriteLine("Host gone (stdin closed); exiting");
        stop.Cancel();
    });
}

await server.RunAsync(stop.Token);
return 0;
