using System.Text.Json;

namespace Hyperion.Gateway.JsonRpc;

/// <summary>
/// The <c>params</c> of one request: absent, positional (a JSON array) or named (a JSON object).
/// The dispatcher has already rejected any other JSON kind.
/// </summary>
public readonly struct RpcParams
{
    private readonly JsonElement _value;

    internal RpcParams(string methodName, JsonElement value)
    {
        MethodName = methodName;
        _value = value;
    }

    /// <summary>The method these parameters were sent to, for error messages.</summary>
    public string MethodName { get; }

    /// <summary>True when the parameters are a JSON array.</summary>
    public bool IsPositional => _value.ValueKind == JsonValueKind.Array;

    /// <summary>True when the parameters are a JSON object.</summary>
    public bool IsNamed => _value.ValueKind == JsonValueKind.Object;

    /// <summary>The number of parameters; zero when they were left out.</summary>
    public int Count => _value.ValueKind switch
    {
        JsonValueKind.Array => _value.GetArrayLength(),
        JsonValueKind.Object => _value.EnumerateObject().Count(),
        _ => 0,
    };

    /// <summary>Rejects any parameter: the method takes none (an empty array or object is accepted).</summary>
    public void ExpectNone()
    {
        var count = Count;
        if (count != 0)
        {
            throw RpcException.InvalidParams($"{MethodName} takes no parameters, but {count} were given");
        }
    }

    /// <summary>Checks the number of positional parameters.</summary>
    public void ExpectPositional(int minimum, int maximum)
    {
        if (IsNamed)
        {
            throw RpcException.InvalidParams($"{MethodName} takes positional parameters (a JSON array)");
        }

        var count = Count;
        if (count < minimum || count > maximum)
        {
            var expected = minimum == maximum ? $"{minimum}" : $"{minimum} to {maximum}";
            throw RpcException.InvalidParams($"{MethodName} takes {expected} parameters, but {count} were given");
        }
    }

    /// <summary>The positional parameter at <paramref name="index"/>, or an undefined element past the end.</summary>
    public JsonElement this[int index] =>
        IsPositional && index >= 0 && index < _value.GetArrayLength() ? _value[index] : default;
}
