using BenchmarkDotNet.Running;
using Redwood.Benchmarks.Bus;
using Redwood.Benchmarks.Characters;
using Redwood.Benchmarks.GameServers;
using Redwood.Benchmarks.Login;
using Redwood.Benchmarks.Matchmaking;
using Redwood.Benchmarks.SocketIO;
using Redwood.Benchmarks.Walkthrough;

return args.Length == 0 ? Usage() : args[0] switch
{
    "socketio" => await SocketIOBenchmark.RunAsync(args[1..]),
    "login" => await LoginBenchmark.RunAsync(args[1..]),
    "overload" => await OverloadBenchmark.RunAsync(args[1..]),
    "matcher" => MatcherBenchmark.Run(args[1..]),
    "tickets" => await TicketIngestBenchmark.RunAsync(args[1..]),
    "characters" => await CharacterEditBenchmark.RunAsync(args[1..]),
    "players" => await ScriptedPlayers.RunAsync(args[1..]),
    "jointokens" => await JoinTokenBenchmark.RunAsync(args[1..]),
    "warmmatch" => await WarmMatchBenchmark.RunAsync(args[1..]),
    "bus" => await BusRoundTripBenchmark.RunAsync(args[1..]),
    "micro" => RunMicro(args[1..]),
    _ => Usage(),
};

static int RunMicro(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(SocketIOBenchmark).Assembly).Run(args);
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("""
        usage: dotnet run -c Release --project tests/Redwood.Benchmarks -- <command> [options]
          socketio [--rounds N] [--duration S] [--idle N] ...   load-test our Socket.IO server against node socket.io
          micro [BenchmarkDotNet options, e.g. --filter '*']       run the BenchmarkDotNet micro-benchmarks
        """);
    Console.Error.WriteLine(SocketIOOptions.Usage);
    Console.Error.WriteLine(LoginBenchmark.Usage);
    Console.Error.WriteLine(OverloadBenchmark.Usage);
    Console.Error.WriteLine(MatcherBenchmark.Usage);
    Console.Error.WriteLine(TicketIngestBenchmark.Usage);
    Console.Error.WriteLine(CharacterEditBenchmark.Usage);
    Console.Error.WriteLine(WarmMatchBenchmark.Usage);
    Console.Error.WriteLine(BenchmarkHost.OptionsUsage);
    Console.Error.WriteLine(ScriptedPlayers.Usage);
    Console.Error.WriteLine(JoinTokenBenchmark.Usage);
    Console.Error.WriteLine(BusRoundTripBenchmark.Usage);
    return 2;
}
