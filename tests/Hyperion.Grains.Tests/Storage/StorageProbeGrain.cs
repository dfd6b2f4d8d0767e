using Hyperion.Grains.Storage;

namespace Hyperion.Grains.Tests.Storage;

/// <summary>A test-only grain whose state lives in the "hyperion" grain storage, and which says where it runs.</summary>
[Alias("hyperion.tests.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    [Alias("Set")]
    Task SetAsync(ProbeState value);

    [Alias("Get")]
    Task<ProbeState> GetAsync();

    [Alias("Silo")]
    Task<string> GetSiloAsync();
}

public sealed class StorageProbeGrain(
    [PersistentState("probe", HyperionStorageOptions.GrainStorageName)] IPersistentState<ProbeState> state,
    ILocalSiloDetails silo) : Grain, IStorageProbeGrain
{
    public async Task SetAsync(ProbeState value)
    {
        state.State = value;
        await state.WriteStateAsync();
    }

    public Task<ProbeState> GetAsync() => Task.FromResult(state.State);

    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToString());
}

/// <summary>A state with Core's value types in it, which cross storage through their Orleans surrogates.</summary>
[GenerateSerializer, Alias("hyperion.tests.ProbeState")]
public sealed class ProbeState
{
    [Id(0)]
    public UInt256 Balance { get; set; }

    [Id(1)]
    public Address Owner { get; set; }

    [Id(2)]
    public Hash256 Root { get; set; }

    [Id(3)]
    public string Note { get; set; } = "";

    [Id(4)]
    public List<ulong> Nonces { get; set; } = [];

    public static ProbeState Sample(int seed)
    {
        var random = new Random(seed);
        var address = new byte[Address.Length];
        var root = new byte[Hash256.Length];
        random.NextBytes(address);
        random.NextBytes(root);
        return new ProbeState
        {
            Balance = new UInt256((ulong)random.NextInt64(), (ulong)random.NextInt64(), 0, 1UL << 60),
            Owner = new Address(address),
            Root = new Hash256(root),
            Note = $"sample {seed}",
            Nonces = [(ulong)seed, 0, ulong.MaxValue],
        };
    }

    public static void AssertEqual(ProbeState expected, ProbeState? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Balance, actual.Balance);
        Assert.Equal(expected.Owner, actual.Owner);
        Assert.Equal(expected.Root, actual.Root);
        Assert.Equal(expected.Note, actual.Note);
        Assert.Equal(expected.Nonces, actual.Nonces);
    }
}
