using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace Hyperion.Gateway.Hosting;

/// <summary>
/// Reads typed settings and collects one clear message per bad value, naming both the switch and the
/// configuration key, since the value may have come from either.
/// </summary>
public sealed class SettingsReader(IConfiguration configuration, IReadOnlyCollection<CommandLineSwitch> switches)
{
    /// <summary>The largest chain id that EIP-2294 allows, so that EIP-155 signatures cannot overflow.</summary>
    public const ulong MaxChainId = (ulong.MaxValue / 2) - 36;

    private readonly List<string> _errors = [];

    /// <summary>The problems found so far, each one line.</summary>
    public IReadOnlyList<string> Errors => _errors;

    public string ReadString(string key, string defaultValue)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            Fail(key, value, "expected a value");
        }

        return value;
    }

    /// <summary>A TCP port; <paramref name="allowAny"/> also accepts 0 (let the system choose).</summary>
    public int ReadPort(string key, int defaultValue, bool allowAny = false)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        var lowest = allowAny ? 0 : 1;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port < lowest || port > 65535)
        {
            Fail(key, value, $"expected a TCP port from {lowest} to 65535");
            return defaultValue;
        }

        return port;
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public int ReadInt32(string key, int defaultValue, int minimum, int maximum) =>
        (int)ReadInt64(key, defaultValue, minimum, maximum);

    /// <summary>A whole number in [<paramref name="minimum"/>, <paramref name="maximum"/>] that may exceed 32 bits (a gas limit).</summary>
    public long ReadInt64(string key, long defaultValue, long minimum, long maximum)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < minimum || number > maximum)
        {
            Fail(key, value, $"expected a whole number from {minimum} to {maximum}");
            return defaultValue;
        }

        return number;
    }

    /// <summary>A chain id, decimal or 0x-prefixed hex.</summary>
    public ulong ReadChainId(string key, ulong defaultValue)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        var parsed = value.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var chainId)
            : ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out chainId);
        if (!parsed || chainId == 0 || chainId > MaxChainId)
        {
            Fail(key, value, $"expected a chain id from 1 to {MaxChainId}");
            return defaultValue;
        }

        return chainId;
    }

    /// <summary>An IP address to listen on, such as 127.0.0.1, 0.0.0.0 or ::1.</summary>
    public IPAddress ReadIPAddress(string key, IPAddress defaultValue)
    {
        var value = configuration[key];
        if (value is null)
        {
            return defaultValue;
        }

        if (!IPAddress.TryParse(value, out var address))
        {
            Fail(key, value, "expected an IP address such as 127.0.0.1 or 0.0.0.0");
            return defaultValue;
        }

        return address;
    }

    /// <summary>Adds a problem found by the caller (e.g. a folder that cannot be created).</summary>
    public void Fail(string key, string value, string expectation)
    {
        var option = switches.FirstOrDefault(candidate => string.Equals(candidate.ConfigurationKey, key, StringComparison.OrdinalIgnoreCase));
        var name = option is null ? key : $"{option.Name} ({key})";
        _errors.Add($"invalid value '{value}' for {name}: {expectation}");
    }
}
