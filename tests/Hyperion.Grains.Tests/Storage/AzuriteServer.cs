using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>
/// An Azurite (Azure Storage emulator) process on 127.0.0.1 with ports chosen free at start, in-memory persistence
/// and a temporary working folder, started from the repository's <c>node_modules/.bin/azurite</c> (installed by the build,
/// see Azurite.targets). Readiness is the three ports accepting connections; disposal kills the process it started
/// and its children, nothing else.
/// </summary>
public sealed class AzuriteServer : IAsyncLifetime
{
    /// <summary>The well-known development account of Azurite (public, in Azure's documentation).</summary>
    private const string AccountName = "devstoreaccount1";

    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private string? _location;

    public int BlobPort { get; private set; }

    public int QueuePort { get; private set; }

    public int TablePort { get; private set; }

    /// <summary>A connection string naming this server's endpoints (what a user would give with --azure-storage).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/{AccountName};" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/{AccountName};" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/{AccountName};";

    public async Task InitializeAsync()
    {
        var executable = Path.Combine(RepositoryRoot(), "node_modules", ".bin", "azurite");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"Azurite is not installed at {executable}: build the test project (it runs npm ci), or run `npm ci` in the repository root.");
        }

        // A port found free may be taken by another test before Azurite binds it: then Azurite exits, and we try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync(executable);
                return;
            }
            catch (AzuriteStartException) when (attempt < 3)
            {
                await StopAsync();
            }
        }
    }

    public Task DisposeAsync() => StopAsync();

    /// <summary>Names unique to one test, so tests sharing this server never see each other's containers or tables.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..12];

    private async Task StartAsync(string executable)
    {
        (BlobPort, QueuePort, TablePort) = FreePorts();
        lock (_output)
        {
            _output.Clear();
        }

        _location = Directory.CreateTempSubdirectory("hyperion-azurite-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _location,
        };
        foreach (var argument in new[]
        {
            // In-memory persistence excludes --location; the temporary working folder catches anything written anyway.
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--inMemoryPersistence",
            "--blobHost", "127.0.0.1", "--blobPort", BlobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", QueuePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", TablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.Start();
        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await AcceptsAsync(BlobPort) || !await AcceptsAsync(QueuePort) || !await AcceptsAsync(TablePort))
        {
            if (process.HasExited)
            {
                throw new AzuriteStartException($"Azurite exited with code {process.ExitCode} before listening:\n{Output()}");
            }

            if (deadline.Elapsed > StartTimeout)
            {
                throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{BlobPort},{QueuePort},{TablePort} within {StartTimeout}:\n{Output()}");
            }

            await Task.Delay(50);
        }
    }

    private async Task StopAsync()
    {
        if (_process is { } process)
        {
            _process = null;
            try
            {
                if (!process.HasExited)
                {
                    // This process and its children only (Azurite runs as a single node process).
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
                // Exited between the check and the kill.
            }
            finally
            {
                process.Dispose();
            }
        }

        if (_location is { } location)
        {
            _location = null;
            try
            {
                Directory.Delete(location, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Three distinct ports that were free a moment ago (all held at once so they differ).</summary>
    private static (int Blob, int Queue, int Table) FreePorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            var ports = listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port).ToArray();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static string RepositoryRoot()
    {
        var root = typeof(AzuriteServer).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "HyperionRepositoryRoot")?.Value;
        return root ?? throw new InvalidOperationException("The test assembly does not record the repository root (see Storage/Azurite.targets).");
    }

    private sealed class AzuriteStartException(string message) : Exception(message);
}

/// <summary>The Azure storage test classes share one Azurite process (and run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteTestGroup : ICollectionFixture<AzuriteServer>
{
    public const string Name = "Azurite";
}
