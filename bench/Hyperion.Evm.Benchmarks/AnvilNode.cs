using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Hyperion.Evm.Benchmarks;

/// <summary>
/// An anvil process this benchmark started, on 127.0.0.1 and a free port, with a JSON-RPC client. Disposing kills
/// exactly that process (by its handle, never by name); <see cref="Program"/> also disposes it on Ctrl-C and at
/// process exit, so that no anvil outlives the benchmark.
/// </summary>
internal sealed class AnvilNode : IDisposable
{
    /// <summary>Where `npm ci` at the repository root puts the binary (package.json pins the version).</summary>
    public const string RelativePath = "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil";

    private readonly Process _process;
    private readonly HttpClient _http;
    private readonly StringBuilder _log = new();
    private int _disposed;
    private int _nextId;

    private AnvilNode(Process process, Uri url)
    {
        _process = process;
        Url = url;
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    /// <summary>The binary under the current directory or one of its parents (then the same from the program's
    /// own folder), or null.</summary>
    public static string? Find()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, RelativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Starts anvil (Cancun, quiet, a 30M block gas limit as on mainnet) and waits until it answers
    /// eth_chainId, polling; gives up after <paramref name="timeout"/> or as soon as the process exits.</summary>
    public static async Task<AnvilNode> StartAsync(string binary, TimeSpan timeout)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--hardfork", "cancun", "--gas-limit", "30000000", "--accounts", "1", "--silent" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var node = new AnvilNode(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (true)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"anvil exited with code {process.ExitCode} before answering: {node.Log}");
                }

                try
                {
                    await node.RequestAsync("eth_chainId", "[]").ConfigureAwait(false);
                    return node;
                }
                catch (HttpRequestException) when (Stopwatch.GetTimestamp() < deadline)
                {
                    // Not listening yet: poll again shortly.
                    await Task.Delay(25).ConfigureAwait(false);
                }
            }
        }
        catch
        {
            node.Dispose();
            throw;
        }
    }

    /// <summary>Sends a JSON-RPC request and returns its result; a JSON-RPC error becomes an exception.</summary>
    public async Task<JsonElement> RequestAsync(string method, string parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var body = $$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{parameters}}}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(string.Empty, UriKind.Relative), content).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        using var document = JsonDocument.Parse(text);
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error.GetRawText()}");
        }

        return document.RootElement.GetProperty("result").Clone();
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(5_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            // Only the start-up failure is ever shown, so a bounded tail is enough.
            if (_log.Length < 8_192)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>A port that was free a moment ago (the OS picks it); anvil failing to bind shows as an early exit.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
