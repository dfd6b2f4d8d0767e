namespace Hyperion.Gateway.Hosting;

/// <summary>
/// One command-line option and the configuration key it sets. The same key can also be set in
/// appsettings.json, through <c>Hyperion__Key</c> variables, or through <see cref="EnvironmentVariable"/>.
/// </summary>
public sealed record CommandLineSwitch(string Name, string ConfigurationKey, string ValueName, string Description)
{
    /// <summary>The prefix of the short environment variables, e.g. <c>HYPERION_CHAIN_ID</c> for <c>--chain-id</c>.</summary>
    public const string EnvironmentPrefix = "HYPERION_";

    /// <summary>The environment variable that stands for this switch.</summary>
    public string EnvironmentVariable { get; } =
        EnvironmentPrefix + Name.TrimStart('-').Replace('-', '_').ToUpperInvariant();
}
