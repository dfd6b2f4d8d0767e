using System.Globalization;
using System.Text.Json;
using Hyperion.Core.Chain;
using Hyperion.Core.Transactions;
using Hyperion.Fixtures;
using Xunit.Abstractions;

namespace Hyperion.Core.Tests.Transactions;

/// <summary>
/// ethereum/tests TransactionTests under Cancun rules and chain id 1: a case with a hash and sender must
/// decode, validate, re-encode to the same bytes and give exactly that hash, sender and intrinsic gas; a
/// case with an exception must be refused by decoding or validation.
/// </summary>
public sealed class TransactionConformanceTests(ITestOutputHelper output)
{
    private const string Suite = "TransactionTests";

    // Cases filled before Cancun existed (most of ttWrongRLP) carry results up to Shanghai or London only;
    // their expectation there (all refusals of malformed encodings) is the one Cancun inherits.
    private static readonly string[] ForksNewestFirst = ["Cancun", "Shanghai", "Paris", "London"];

    public static TheoryData<string> Folders()
    {
        var data = new TheoryData<string>();
        foreach (var folder in Directory.GetDirectories(FixturePaths.Of(Suite)).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(folder!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Folders))]
    public void Every_case_in_the_folder_passes(string folder)
    {
        int passed = 0, failed = 0, skipped = 0, inherited = 0;
        var failures = new List<string>();
        foreach (var file in FixturePaths.JsonFiles(Path.Combine(Suite, folder)))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var test in json.RootElement.EnumerateObject())
            {
                var results = test.Value.GetProperty("result");
                var fork = ForksNewestFirst.FirstOrDefault(name => results.TryGetProperty(name, out _));
                if (fork is null)
                {
                    skipped++;
                    continue;
                }

                if (fork != "Cancun")
                {
                    inherited++;
                }

                var error = RunCase(Hex.Decode(test.Value.GetProperty("txbytes").GetString()!), results.GetProperty(fork));
                if (error is null)
                {
                    passed++;
                }
                else
                {
                    failed++;
                    failures.Add($"{Path.GetFileName(file)} {test.Name} ({fork}): {error}");
                }
            }
        }

        output.WriteLine($"{inherited} case(s) without a Cancun result used their newest earlier fork's expectation.");
        ConformanceReport.Record($"{Suite}/{folder}", passed, failed, skipped, failures, output.WriteLine);
        Assert.Empty(failures);
        Assert.True(passed > 0, $"No case ran in {folder}.");
    }

    private static string? RunCase(byte[] txBytes, JsonElement expected)
    {
        var config = ChainConfig.EthereumMainnet;
        var expectedException = expected.TryGetProperty("exception", out var exception) ? exception.GetString() : null;
        var expectedIntrinsic = expected.TryGetProperty("intrinsicGas", out var gas) ? ParseQuantity(gas.GetString()!) : (ulong?)null;

        Transaction transaction;
        try
        {
            transaction = Transaction.Decode(txBytes);
        }
        catch (InvalidTransactionException e)
        {
            return expectedException is not null
                ? CheckReason(expectedException, e)
                : $"decoding refused a valid transaction: {e.Reason}: {e.Message}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"decoding threw {e.GetType().Name} instead of InvalidTransactionException: {e.Message}";
        }

        // Where decoding succeeds the fixture's intrinsic gas is meaningful even for refused transactions.
        var intrinsic = IntrinsicGas.Calculate(transaction, config.Rules);
        if (expectedIntrinsic is { } wantIntrinsic && wantIntrinsic != 0 && intrinsic != wantIntrinsic)
        {
            return $"intrinsic gas {intrinsic}, expected {wantIntrinsic}";
        }

        Address sender;
        try
        {
            sender = TransactionValidator.Validate(transaction, config);
        }
        catch (InvalidTransactionException e)
        {
            return expectedException is not null
                ? CheckReason(expectedException, e)
                : $"validation refused a valid transaction: {e.Reason}: {e.Message}";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"validation threw {e.GetType().Name} instead of InvalidTransactionException: {e.Message}";
        }

        if (expectedException is not null)
        {
            return $"accepted (sender {sender}), expected {expectedException}";
        }

        var expectedHash = Hash256.Parse(expected.GetProperty("hash").GetString()!);
        var expectedSender = Address.Parse(expected.GetProperty("sender").GetString()!);
        if (transaction.Hash != expectedHash)
        {
            return $"hash {transaction.Hash}, expected {expectedHash}";
        }

        if (sender != expectedSender)
        {
            return $"sender {sender}, expected {expectedSender}";
        }

        var reencoded = transaction.Encode();
        if (!reencoded.AsSpan().SequenceEqual(txBytes))
        {
            return $"re-encoded as {Hex.Encode(reencoded)}";
        }

        return Keccak256Of(reencoded) == expectedHash ? null : "the hash of the re-encoding differs";
    }

    // The fixtures name geth's error; several of ours can stand for one of theirs (a v of 0 is a bad
    // signature to them and a bad chain id to us), but a refusal for an unrelated reason is a failure.
    private static string? CheckReason(string expectedException, InvalidTransactionException actual)
    {
        var name = expectedException.Replace("TransactionException.", string.Empty, StringComparison.Ordinal);
        InvalidTransactionReason[] allowed = name switch
        {
            "ADDRESS_TOO_LONG" or "ADDRESS_TOO_SHORT" => [InvalidTransactionReason.InvalidAddress],
            "EC_RECOVERY_FAIL" => [InvalidTransactionReason.SignatureRecoveryFailed, InvalidTransactionReason.InvalidSignature],
            "GASLIMIT_OVERFLOW" => [InvalidTransactionReason.IntegerOverflow, InvalidTransactionReason.NonCanonicalInteger],
            "GASLIMIT_PRICE_PRODUCT_OVERFLOW" => [InvalidTransactionReason.FeeCapTimesGasOverflow],
            "GASPRICE_OVERFLOW" or "PRIORITY_OVERFLOW" or "VALUE_OVERFLOW" or "NONCE_OVERFLOW" => [InvalidTransactionReason.IntegerOverflow],
            "NONCE_TOO_BIG" => [InvalidTransactionReason.NonceMax],
            "INITCODE_SIZE_EXCEEDED" => [InvalidTransactionReason.InitCodeTooLarge],
            "INTRINSIC_GAS_TOO_LOW" => [InvalidTransactionReason.IntrinsicGasTooLow],
            "INVALID_CHAINID" => [InvalidTransactionReason.InvalidChainId],
            "INVALID_SIGNATURE_VRS" => [InvalidTransactionReason.InvalidSignature, InvalidTransactionReason.InvalidChainId],
            "TYPE_NOT_SUPPORTED" => [InvalidTransactionReason.UnsupportedType],
            _ when name.StartsWith("PRIORITY_GREATER_THAN_MAX_FEE", StringComparison.Ordinal) => [InvalidTransactionReason.TipAboveFeeCap],
            _ when name.StartsWith("RLP_", StringComparison.Ordinal) =>
            [
                InvalidTransactionReason.MalformedRlp, InvalidTransactionReason.NonCanonicalInteger, InvalidTransactionReason.WrongFieldCount,
                InvalidTransactionReason.UnsupportedType, InvalidTransactionReason.InvalidAddress, InvalidTransactionReason.InvalidStorageKey,
            ],
            _ => [],
        };
        return allowed.Length == 0 || allowed.Contains(actual.Reason)
            ? null
            : $"refused as {actual.Reason} ({actual.Message}), expected {name}";
    }

    private static Hash256 Keccak256Of(byte[] bytes) => Hyperion.Core.Crypto.Keccak256.Compute(bytes);

    private static ulong ParseQuantity(string hex) =>
        ulong.Parse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
