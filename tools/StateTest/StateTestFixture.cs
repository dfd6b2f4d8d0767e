using System.Text.Json;
using Hyperion.Core;
using Hyperion.Core.Crypto;
using Hyperion.Core.Transactions;
using Hyperion.Evm;

namespace Hyperion.StateTest;

/// <summary>One <c>post[fork][i]</c> entry: which transaction variant, and what must come out.</summary>
internal sealed record StateTestCase(int Index, int DataIndex, int GasIndex, int ValueIndex, Hash256 ExpectedRoot, Hash256 ExpectedLogsHash, string? ExpectedException);

/// <summary>One test of a GeneralStateTests file, read for one fork.</summary>
internal sealed class StateTestFixture
{
    private readonly JsonElement _transaction;
    private PrivateKey? _key;

    private StateTestFixture(string name, FixtureWorld world, BlockContext block, JsonElement transaction, IReadOnlyList<StateTestCase> cases)
    {
        Name = name;
        World = world;
        Block = block;
        _transaction = transaction;
        Cases = cases;
    }

    public string Name { get; }

    public FixtureWorld World { get; }

    public BlockContext Block { get; }

    public IReadOnlyList<StateTestCase> Cases { get; }

    /// <summary>The tests of a file that have cases for <paramref name="fork"/>.</summary>
    public static IEnumerable<StateTestFixture> Read(JsonDocument document, string fork)
    {
        foreach (var test in document.RootElement.EnumerateObject())
        {
            if (!test.Value.GetProperty("post").TryGetProperty(fork, out var post))
            {
                continue;
            }

            var cases = new List<StateTestCase>();
            var index = 0;
            foreach (var entry in post.EnumerateArray())
            {
                var indexes = entry.GetProperty("indexes");
                cases.Add(new StateTestCase(
                    index++,
                    indexes.GetProperty("data").GetInt32(),
                    indexes.GetProperty("gas").GetInt32(),
                    indexes.GetProperty("value").GetInt32(),
                    Hash256.Parse(entry.GetProperty("hash").GetString()!),
                    Hash256.Parse(entry.GetProperty("logs").GetString()!),
                    entry.TryGetProperty("expectException", out var exception) ? exception.GetString() : null));
            }

            yield return new StateTestFixture(
                test.Name,
                new FixtureWorld(ReadPre(test.Value.GetProperty("pre"))),
                ReadEnvironment(test.Value.GetProperty("env"), ReadChainId(test.Value)),
                test.Value.GetProperty("transaction").Clone(),
                cases);
        }
    }

    /// <summary>
    /// The transaction of a case, signed with the fixture's secret key; null with a reason when the fixture's
    /// fields cannot form one (a value wider than 256 bits, say), which counts as a rejected transaction.
    /// </summary>
    public Transaction? BuildTransaction(StateTestCase testCase, out string? malformed)
    {
        try
        {
            return Build(testCase, out malformed);
        }
        catch (Exception e) when (e is FormatException or OverflowException or KeyNotFoundException or InvalidOperationException
            or Secp256k1Exception or IndexOutOfRangeException)
        {
            malformed = e.Message;
            return null;
        }
    }

    private Transaction? Build(StateTestCase testCase, out string? malformed)
    {
        malformed = null;
        var tx = _transaction;
        if (!Hex.TryDecode(tx.GetProperty("data")[testCase.DataIndex].GetString(), out var data))
        {
            malformed = "data is not hex";
            return null;
        }

        if (!TryNumber(tx.GetProperty("gasLimit")[testCase.GasIndex], out var gasLimit) || !gasLimit.FitsInUInt64)
        {
            malformed = "gasLimit is not a 64-bit number";
            return null;
        }

        if (!TryNumber(tx.GetProperty("value")[testCase.ValueIndex], out var value))
        {
            malformed = "value is not a 256-bit number";
            return null;
        }

        if (!TryNumber(tx.GetProperty("nonce"), out var nonce) || !nonce.FitsInUInt64)
        {
            malformed = "nonce is not a 64-bit number";
            return null;
        }

        var toText = tx.GetProperty("to").GetString();
        Address? to = string.IsNullOrEmpty(toText) ? null : Address.Parse(toText);

        IReadOnlyList<AccessListEntry> accessList = [];
        var hasAccessList = false;
        if (tx.TryGetProperty("accessLists", out var accessLists) && accessLists[testCase.DataIndex].ValueKind == JsonValueKind.Array)
        {
            hasAccessList = true;
            accessList = [.. accessLists[testCase.DataIndex].EnumerateArray().Select(entry => new AccessListEntry(
                Address.Parse(entry.GetProperty("address").GetString()!),
                [.. entry.GetProperty("storageKeys").EnumerateArray().Select(key => Hash256.FromUInt256(UInt256.Parse(key.GetString()!)))]))];
        }

        var transaction = new Transaction
        {
            Nonce = nonce.U0,
            GasLimit = gasLimit.U0,
            To = to,
            Value = value,
            Data = data,
            AccessList = accessList,
        };

        if (tx.TryGetProperty("blobVersionedHashes", out var blobHashes))
        {
            transaction = transaction with
            {
                Type = TxType.Blob,
                ChainId = Block.ChainId,
                MaxFeePerGas = Number(tx, "maxFeePerGas"),
                MaxPriorityFeePerGas = Number(tx, "maxPriorityFeePerGas"),
                MaxFeePerBlobGas = Number(tx, "maxFeePerBlobGas"),
                BlobVersionedHashes = [.. blobHashes.EnumerateArray().Select(hash => Hash256.Parse(hash.GetString()!))],
            };
        }
        else if (tx.TryGetProperty("maxFeePerGas", out _))
        {
            transaction = transaction with
            {
                Type = TxType.DynamicFee,
                ChainId = Block.ChainId,
                MaxFeePerGas = Number(tx, "maxFeePerGas"),
                MaxPriorityFeePerGas = Number(tx, "maxPriorityFeePerGas"),
            };
        }
        else if (hasAccessList)
        {
            transaction = transaction with { Type = TxType.AccessList, ChainId = Block.ChainId, GasPrice = Number(tx, "gasPrice") };
        }
        else
        {
            transaction = transaction with { GasPrice = Number(tx, "gasPrice") };
        }

        // A blob transaction without a recipient has no encoding to sign; it is rejected before signing matters.
        if (transaction.Type == TxType.Blob && transaction.To is null)
        {
            return transaction;
        }

        _key ??= PrivateKey.Parse(tx.GetProperty("secretKey").GetString()!);
        return transaction.Sign(_key);
    }

    private static UInt256 Number(JsonElement element, string property) =>
        TryNumber(element.GetProperty(property), out var value) ? value : throw new FormatException($"{property} is not a number.");

    private static bool TryNumber(JsonElement element, out UInt256 value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.String && UInt256.TryParse(element.GetString(), out value);
    }

    private static Dictionary<Address, FixtureAccount> ReadPre(JsonElement pre)
    {
        var accounts = new Dictionary<Address, FixtureAccount>();
        foreach (var entry in pre.EnumerateObject())
        {
            var storage = new Dictionary<UInt256, UInt256>();
            foreach (var slot in entry.Value.GetProperty("storage").EnumerateObject())
            {
                var value = UInt256.Parse(slot.Value.GetString()!);
                if (!value.IsZero)
                {
                    storage[UInt256.Parse(slot.Name)] = value;
                }
            }

            accounts[Address.Parse(entry.Name)] = new FixtureAccount
            {
                Nonce = (ulong)UInt256.Parse(entry.Value.GetProperty("nonce").GetString()!),
                Balance = UInt256.Parse(entry.Value.GetProperty("balance").GetString()!),
                Code = Hex.Decode(entry.Value.GetProperty("code").GetString()),
                Storage = storage,
            };
        }

        return accounts;
    }

    /// <summary>Chain 1 unless the fixture's <c>config</c> names another.</summary>
    private static ulong ReadChainId(JsonElement test) =>
        test.TryGetProperty("config", out var config) && config.TryGetProperty("chainid", out var chainId)
            ? (ulong)UInt256.Parse(chainId.GetString()!)
            : 1;

    private static BlockContext ReadEnvironment(JsonElement env, ulong chainId)
    {
        UInt256 Read(string name, UInt256 fallback) =>
            env.TryGetProperty(name, out var value) ? UInt256.Parse(value.GetString()!) : fallback;

        return new BlockContext
        {
            ChainId = chainId,
            Coinbase = Address.Parse(env.GetProperty("currentCoinbase").GetString()!),
            Number = (ulong)Read("currentNumber", UInt256.Zero),
            Timestamp = (ulong)Read("currentTimestamp", UInt256.Zero),
            GasLimit = (ulong)Read("currentGasLimit", UInt256.Zero),
            Difficulty = Read("currentDifficulty", UInt256.Zero),
            PrevRandao = Hash256.FromUInt256(Read("currentRandom", Read("currentDifficulty", UInt256.Zero))),

            // go-ethereum's state test runner uses 10 when a London-or-later fixture names no base fee.
            BaseFee = Read("currentBaseFee", new UInt256(10)),
            ExcessBlobGas = (ulong)Read("currentExcessBlobGas", UInt256.Zero),
        };
    }
}
