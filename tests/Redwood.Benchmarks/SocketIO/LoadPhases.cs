using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Redwood.Benchmarks.SocketIO;

/// <summary>Sequential echo-ack loops on <see cref="Clients"/> websockets for a fixed time.</summary>
internal sealed record AckPhaseResult(
    int Clients,
    long Acks,
    double Seconds,
    double ServerCpuMicroseconds,
    double ClientCpuMicroseconds,
    double OtherCpuMicroseconds,
    long ClientAllocatedBytes,
    double P50Microseconds,
    double P99Microseconds)
{
    public double AcksPerSecond => Acks / Seconds;

    public double ServerCpuPerAck => ServerCpuMicroseconds / Acks;

    public double ClientCpuPerAck => ClientCpuMicroseconds / Acks;

    public double ClientBytesPerAck => (double)ClientAllocatedBytes / Acks;

    /// <summary>Cores used meanwhile by anything but the server and the load generator: other processes and interrupt time.</summary>
    public double OtherCores => OtherCpuMicroseconds / (Seconds * 1e6);
}

/// <summary>Opening idle connections, then the server's memory once they sit idle.</summary>
internal sealed record IdlePhaseResult(
    int Connections,
    double Seconds,
    double ServerCpuMicroseconds,
    double OtherCpuMicroseconds,
    long RssBeforeBytes,
    long RssAfterBytes,
    double ConnectP50Microseconds,
    double ConnectP99Microseconds,
    int Dropped)
{
    public double ConnectsPerSecond => Connections / Seconds;

    public double ServerCpuPerConnect => ServerCpuMicroseconds / Connections;

    public double BytesPerConnection => (double)(RssAfterBytes - RssBeforeBytes) / Connections;

    public double OtherCores => OtherCpuMicroseconds / (Seconds * 1e6);
}

internal static class LoadPhases
{
    private const int AckReceiveBufferSize = 1024;
    private const int IdleReceiveBufferSize = 256;

    /// <summary>
    /// Proves the server speaks the echo contract before it is timed, so a broken server cannot
    /// produce flattering numbers: echo returns its arguments, get-auth the CONNECT auth, ping-me a pong-you.
    /// </summary>
    public static async Task CheckContractAsync(ServerProcess server, HttpMessageInvoker invoker, CancellationToken cancellationToken)
    {
        const string auth = """{"token":"bench","n":[1,2]}""";
        const string echoArgs = "1,\"two\",{\"three\":[3,null,true]},\"\u00fc\ud83d\ude00\"";
        using var connection = await LoadConnection.ConnectAsync(server.SocketUri, invoker, auth, 4096, cancellationToken);

        await Expect(connection, $"""427["echo",{echoArgs}]""", "437", $"[{echoArgs}]", cancellationToken);
        await Expect(connection, """428["get-auth"]""", "438", $"[{auth}]", cancellationToken);
        await Expect(connection, """42["ping-me",{"a":"b"},2]""", "42", """["pong-you",{"a":"b"},2]""", cancellationToken);

        async Task Expect(LoadConnection connection, string send, string prefix, string expectedJson, CancellationToken cancellationToken)
        {
            await connection.SendAsync(Encoding.UTF8.GetBytes(send), cancellationToken);
            var reply = connection.PacketText(await connection.ReceivePacketAsync(cancellationToken));
            var matches = reply.StartsWith(prefix + "[", StringComparison.Ordinal)
                && JsonNode.DeepEquals(JsonNode.Parse(reply[prefix.Length..]), JsonNode.Parse(expectedJson));
            if (!matches)
            {
                throw new InvalidOperationException(
                    $"{server.Name} server broke the echo contract: sent {send}, expected {prefix}{expectedJson}, got {reply}");
            }
        }
    }

    public static async Task<AckPhaseResult> RunAcksAsync(
        ServerProcess server,
        HttpMessageInvoker invoker,
        int clients,
        SocketIOOptions options,
        CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.WarmupSeconds + options.DurationSeconds + 60));
        var connections = new LoadConnection[clients];
        try
        {
            for (var i = 0; i < clients; i++)
            {
                connections[i] = await LoadConnection.ConnectAsync(server.SocketUri, invoker, null, AckReceiveBufferSize, timeout.Token);
            }

            var gate = new PhaseGate();
            var histograms = new LatencyHistogram[clients];
            var loops = new Task<long>[clients];
            for (var i = 0; i < clients; i++)
            {
                histograms[i] = new LatencyHistogram();
                var connection = connections[i];
                var histogram = histograms[i];
                loops[i] = Task.Run(() => connection.RunAckLoopAsync(gate, histogram, timeout.Token), timeout.Token);
            }

            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), timeout.Token);
            FailFast(loops);

            var serverCpuBefore = server.CpuMicroseconds();
            var clientCpuBefore = ServerProcess.CpuMicrosecondsOf(Environment.ProcessId);
            var machineBefore = ServerProcess.MachineBusyMicroseconds();
            var allocatedBefore = GC.GetTotalAllocatedBytes();
            var started = Stopwatch.GetTimestamp();
            gate.StartRecording();

            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds), timeout.Token);

            gate.Stop();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var serverCpu = server.CpuMicroseconds() - serverCpuBefore;
            var clientCpu = ServerProcess.CpuMicrosecondsOf(Environment.ProcessId) - clientCpuBefore;
            var otherCpu = ServerProcess.MachineBusyMicroseconds() - machineBefore - serverCpu - clientCpu;
            var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;

            var counts = await Task.WhenAll(loops);
            var merged = new LatencyHistogram();
            foreach (var histogram in histograms)
            {
                merged.Add(histogram);
            }

            var acks = counts.Sum();
            if (acks == 0)
            {
                throw new InvalidOperationException($"{server.Name} server completed no acks in {elapsed:0.0} s");
            }

            return new AckPhaseResult(
                clients,
                acks,
                elapsed,
                serverCpu,
                clientCpu,
                Math.Max(0, otherCpu),
                allocated,
                merged.ValueAtQuantile(0.50) / 1000,
                merged.ValueAtQuantile(0.99) / 1000);
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    /// <summary>
    /// Opens the idle connections at bounded concurrency (timed, with the server's CPU), lets the server
    /// settle, then reads its RSS. Stops the server before closing the clients, so the caller must not reuse it.
    /// </summary>
    public static async Task<IdlePhaseResult> RunIdleAsync(
        ServerProcess server,
        HttpMessageInvoker invoker,
        SocketIOOptions options,
        CancellationToken cancellationToken)
    {
        var count = options.IdleConnections;
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        phase.CancelAfter(TimeSpan.FromSeconds(120 + options.SettleSeconds + (count / 100.0)));
        var connections = new LoadConnection?[count];
        var keepAlives = new Task?[count];
        try
        {
            // Let the previous phase's disconnects finish before taking the baseline.
            await Task.Delay(TimeSpan.FromSeconds(1), phase.Token);
            var rssBefore = server.RssBytes();
            var serverCpuBefore = server.CpuMicroseconds();
            var clientCpuBefore = ServerProcess.CpuMicrosecondsOf(Environment.ProcessId);
            var machineBefore = ServerProcess.MachineBusyMicroseconds();
            var started = Stopwatch.GetTimestamp();

            var next = -1;
            var workers = new Task<LatencyHistogram>[Math.Min(options.IdleConcurrency, Math.Max(count, 1))];
            for (var w = 0; w < workers.Length; w++)
            {
                workers[w] = Task.Run(
                    async () =>
                    {
                        var histogram = new LatencyHistogram();
                        int index;
                        while ((index = Interlocked.Increment(ref next)) < count)
                        {
                            var connectStarted = Stopwatch.GetTimestamp();
                            var connection = await LoadConnection.ConnectAsync(
                                server.SocketUri, invoker, null, IdleReceiveBufferSize, phase.Token);
                            histogram.RecordTicks(Stopwatch.GetTimestamp() - connectStarted);
                            connections[index] = connection;
                            keepAlives[index] = connection.KeepAliveAsync(phase.Token);
                        }

                        return histogram;
                    },
                    phase.Token);
            }

            LatencyHistogram[] histograms;
            try
            {
                histograms = await Task.WhenAll(workers);
            }
            catch (Exception ex)
            {
                phase.Cancel();
                var opened = connections.Count(c => c is not null);
                throw new InvalidOperationException($"{server.Name} server: opening idle connections failed after {opened} of {count}: {ex.Message}", ex);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var serverCpu = server.CpuMicroseconds() - serverCpuBefore;
            var clientCpu = ServerProcess.CpuMicrosecondsOf(Environment.ProcessId) - clientCpuBefore;
            var otherCpu = ServerProcess.MachineBusyMicroseconds() - machineBefore - serverCpu - clientCpu;

            await Task.Delay(TimeSpan.FromSeconds(options.SettleSeconds), phase.Token);
            var rssAfter = server.RssBytes();
            var dropped = keepAlives.Count(k => k is { IsCompleted: true });

            var merged = new LatencyHistogram();
            foreach (var histogram in histograms)
            {
                merged.Add(histogram);
            }

            return new IdlePhaseResult(
                count,
                elapsed,
                serverCpu,
                Math.Max(0, otherCpu),
                rssBefore,
                rssAfter,
                merged.ValueAtQuantile(0.50) / 1000,
                merged.ValueAtQuantile(0.99) / 1000,
                dropped);
        }
        finally
        {
            server.Stop();
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }

            await phase.CancelAsync();
            foreach (var keepAlive in keepAlives)
            {
                if (keepAlive is not null)
                {
                    await keepAlive;
                }
            }
        }
    }

    private static void FailFast(Task<long>[] loops)
    {
        foreach (var loop in loops)
        {
            if (loop.IsFaulted)
            {
                loop.GetAwaiter().GetResult();
            }
        }
    }
}
