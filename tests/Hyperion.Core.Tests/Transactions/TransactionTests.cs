using System.Numerics;
using Hyperion.Core.Chain;
using Hyperion.Core.Crypto;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Nethereum.Model;
using Nethereum.Signer;

namespace Hyperion.Core.Tests.Transactions;

public sealed class TransactionTests
{
    private const string Eip155Key = "0x4646464646464646464646464646464646464646464646464646464646464646";
    private static readonly Address Recipient = Address.Parse("0x3535353535353535353535353535353535353535");

    [Fact]
    public void The_EIP_155_example_signs_to_the_published_bytes()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var unsigned = new Transaction
        {
            Type = TxType.Legacy,
            ChainId = 1,
            Nonce = 9,
            GasPrice = 20_000_000_000UL,
            GasLimit = 21_000,
            To = Recipient,
            Value = 1_000_000_000_000_000_000UL,
        };

        Assert.Equal(Hash256.Parse("0xdaf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"), unsigned.SigningHash());
        var signed = unsigned.Sign(key);
        Assert.Equal((UInt256)37UL, signed.LegacyV);
        Assert.Equal(
            "0xf86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83",
            Hex.Encode(signed.Encode()));
        var decoded = Transaction.Decode(signed.Encode());
        Assert.Equal(Address.Parse("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"), decoded.RecoverSender());
        Assert.Equal((ulong?)1, decoded.ChainId);
    }

    [Theory]
    [InlineData(null, 0, 27UL)]
    [InlineData(null, 1, 28UL)]
    [InlineData(1UL, 0, 37UL)]
    [InlineData(1UL, 1, 38UL)]
    [InlineData(ChainConfig.HyperionGridChainId, 0, (ChainConfig.HyperionGridChainId * 2) + 35)]
    [InlineData(ChainConfig.HyperionGridChainId, 1, (ChainConfig.HyperionGridChainId * 2) + 36)]
    public void Legacy_v_folds_parity_and_chain_id(ulong? chainId, byte parity, ulong expectedV)
    {
        var transaction = new Transaction { ChainId = chainId, Signature = new Secp256k1Signature(parity, 1UL, 1UL) };
        Assert.Equal((UInt256)expectedV, transaction.LegacyV);
        var decoded = Transaction.Decode(transaction.Encode());
        Assert.Equal(chainId, decoded.ChainId);
        Assert.Equal(parity, decoded.Signature!.Value.YParity);
    }

    [Fact]
    public void Legacy_v_for_the_largest_chain_id_does_not_overflow()
    {
        var transaction = new Transaction { ChainId = ulong.MaxValue, Signature = new Secp256k1Signature(1, 1UL, 1UL) };
        Assert.Equal((UInt256)(((BigInteger)ulong.MaxValue * 2) + 36), transaction.LegacyV);
        Assert.Equal((ulong?)ulong.MaxValue, Transaction.Decode(transaction.Encode()).ChainId);
    }

    public static TheoryData<string> Types() => new() { "legacy", "legacy-155", "access-list", "dynamic-fee", "blob", "deposit" };

    [Theory]
    [MemberData(nameof(Types))]
    public void Each_type_round_trips_through_its_binary_form(string kind)
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var original = Sample(kind, key);
        var encoded = original.Encode();
        var decoded = Transaction.Decode(encoded);

        Assert.Equal(encoded, decoded.Encode());
        Assert.Equal(original.Hash, decoded.Hash);
        Assert.Equal(Hyperion.Core.Crypto.Keccak256.Compute(encoded), decoded.Hash);
        Assert.Equal(original, decoded);
        Assert.Equal(original.GetHashCode(), decoded.GetHashCode());
        var expectedSender = kind == "deposit" ? original.From!.Value : key.Address;
        Assert.Equal(expectedSender, decoded.RecoverSender());
        Assert.Equal(expectedSender, TransactionValidator.Validate(decoded, ChainConfig.Default));
        if (original.Type != TxType.Legacy)
        {
            Assert.Equal((byte)original.Type, encoded[0]);
        }
    }

    [Fact]
    public void Block_bodies_hold_legacy_lists_and_typed_strings()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var transactions = new[] { Sample("legacy", key), Sample("dynamic-fee", key), Sample("deposit", key), Sample("blob", key) };
        var writer = new RlpWriter();
        writer.StartList();
        foreach (var transaction in transactions)
        {
            transaction.WriteTo(writer);
        }

        writer.EndList();
        var body = writer.ToArray();
        var reader = new RlpReader(body).ReadList();
        Assert.True(reader.NextIsList); // the legacy one
        var read = new List<Transaction>();
        while (!reader.IsEnd)
        {
            read.Add(Transaction.ReadFrom(ref reader));
        }

        Assert.Equal(transactions, read);
    }

    [Fact]
    public void Dynamic_fee_signing_matches_Nethereum()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var ours = new Transaction
        {
            Type = TxType.DynamicFee,
            ChainId = ChainConfig.HyperionGridChainId,
            Nonce = 7,
            MaxPriorityFeePerGas = 1_500_000_000UL,
            MaxFeePerGas = 30_000_000_000UL,
            GasLimit = 60_000,
            To = Recipient,
            Value = 12_345UL,
            Data = [0xa9, 0x05, 0x9c, 0xbb, 0x00, 0x01],
        }.Sign(key);

        var theirs = new Transaction1559(
            ChainConfig.HyperionGridChainId, 7, 1_500_000_000, 30_000_000_000, 60_000, Recipient.ToString(), 12_345, "0xa9059cbb0001", new List<AccessListItem>());
        var theirEncoding = new Transaction1559Signer().SignTransaction(new EthECKey(Eip155Key), theirs);
        Assert.Equal(Hex.Decode(theirEncoding), ours.Encode());
    }

    [Fact]
    public void A_deposit_from_OP_mainnet_decodes_to_its_published_hash()
    {
        // OP Mainnet block 124665056, transaction 0: the L1 attributes deposit.
        var bytes = Hex.Decode(
            "0x7ef8f8a0683079df94aa5b9cf86687d739a60a9b4f0835e520ec4d664e2e415dca17a6df94deaddeaddeaddeaddeaddeaddeaddeaddead00019442000000000000000000000000000000000000158080830f424080b8a4440a5e200000146b000f79c500000000000000040000000066d052e700000000013ad8a3000000000000000000000000000000000000000000000000000000003ef1278700000000000000000000000000000000000000000000000000000000000000012fdf87b89884a61e74b322bbcf60386f543bfae7827725efaaf0ab1de2294a590000000000000000000000006887246668a3b87f54deb3b94ba47a6f63f32985");
        var deposit = Transaction.Decode(bytes);

        Assert.Equal(TxType.Deposit, deposit.Type);
        Assert.Equal(Hash256.Parse("0x312e290cf36df704a2217b015d6455396830b0ce678b860ebfcc30f41403d7b1"), deposit.Hash);
        Assert.Equal(Address.Parse("0xDeaDDEaDDeAdDeAdDEAdDEaddeAddEAdDEAd0001"), deposit.RecoverSender());
        Assert.Equal(Address.Parse("0x4200000000000000000000000000000000000015"), deposit.To);
        Assert.Equal(UInt256.Zero, deposit.Mint);
        Assert.Equal(1_000_000UL, deposit.GasLimit);
        Assert.False(deposit.IsSystemTransaction);
        Assert.Null(deposit.Signature);
        Assert.Equal(bytes, deposit.Encode());
        Assert.Equal(deposit.Hash, (deposit with { }).Hash);
        Assert.Throws<InvalidOperationException>(() => deposit.SigningHash());
    }

    [Fact]
    public void A_blob_transaction_network_form_decodes_and_re_encodes()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var blob = Sample("blob", key);
        var network = blob.EncodeNetworkForm();
        Assert.Equal(0x03, network[0]);
        Assert.True(network.Length > BlobSidecar.BlobLength);

        var decoded = Transaction.Decode(network, TransactionForm.Network);
        Assert.True(blob.Sidecar!.ContentEquals(decoded.Sidecar));
        Assert.Equal(blob, decoded);
        Assert.Equal(network, decoded.EncodeNetworkForm());
        Assert.Equal(blob.Encode(), decoded.Encode());
        Assert.Equal(blob.Hash, decoded.Hash);
        Assert.Equal(Hyperion.Core.Crypto.Keccak256.Compute(blob.Encode()), decoded.Hash);
        Assert.Equal(key.Address, TransactionValidator.Validate(decoded, ChainConfig.Default));

        // Each form is refused where the other is expected.
        Assert.Equal(InvalidTransactionReason.BlobSidecarForm, Refusal(() => Transaction.Decode(network)));
        Assert.Equal(InvalidTransactionReason.BlobSidecarForm, Refusal(() => Transaction.Decode(blob.Encode(), TransactionForm.Network)));

        // Non-blob transactions read the same in both forms.
        var dynamic = Sample("dynamic-fee", key).Encode();
        Assert.Equal(dynamic, Transaction.Decode(dynamic, TransactionForm.Network).EncodeNetworkForm());
    }

    [Fact]
    public void A_blob_sidecar_must_match_its_versioned_hashes()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var blob = Sample("blob", key);
        var sidecar = blob.Sidecar!;

        var wrongCommitment = (byte[])sidecar.Commitments[0].Clone();
        wrongCommitment[5] ^= 1;
        var tampered = blob with { Sidecar = sidecar with { Commitments = [wrongCommitment, sidecar.Commitments[1]] } };
        Assert.Equal(InvalidTransactionReason.BlobSidecarMismatch, Refusal(() => TransactionValidator.Validate(tampered, ChainConfig.Default)));

        var missingProof = blob with { Sidecar = sidecar with { Proofs = [sidecar.Proofs[0]] } };
        Assert.Equal(InvalidTransactionReason.BlobSidecarMismatch, Refusal(() => TransactionValidator.Validate(missingProof, ChainConfig.Default)));

        var verifier = new RecordingVerifier(result: false);
        Assert.Equal(InvalidTransactionReason.InvalidBlobProof, Refusal(() => TransactionValidator.Validate(blob, ChainConfig.Default, verifier)));
        Assert.Equal(1, verifier.Calls);
        Assert.Equal(key.Address, TransactionValidator.Validate(blob, ChainConfig.Default, new RecordingVerifier(result: true)));
    }

    [Fact]
    public void Blob_versioned_hashes_need_version_one_and_at_least_one_entry()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var blob = Sample("blob", key) with { Sidecar = null };
        var wrongVersion = blob.BlobVersionedHashes[0].ToArray();
        wrongVersion[0] = 0x02;
        Assert.Equal(
            InvalidTransactionReason.InvalidBlobVersionedHash,
            Refusal(() => TransactionValidator.Validate((blob with { BlobVersionedHashes = [new Hash256(wrongVersion)] }).Sign(key), ChainConfig.Default)));
        Assert.Equal(
            InvalidTransactionReason.MissingBlobHashes,
            Refusal(() => TransactionValidator.Validate((blob with { BlobVersionedHashes = [] }).Sign(key), ChainConfig.Default)));
        var seven = Enumerable.Repeat(blob.BlobVersionedHashes[0], 7).ToArray();
        Assert.Equal(
            InvalidTransactionReason.TooManyBlobs,
            Refusal(() => TransactionValidator.Validate((blob with { BlobVersionedHashes = seven }).Sign(key), ChainConfig.Default)));
    }

    [Fact]
    public void A_blob_transaction_cannot_create_a_contract()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var creation = Sample("blob", key) with { To = null };
        Assert.Throws<InvalidOperationException>(() => creation.Encode());
        Assert.Equal(InvalidTransactionReason.BlobContractCreation, Refusal(() => TransactionValidator.Validate(creation, ChainConfig.Default)));

        // Hand-built bytes with an empty 'to' are refused when decoding.
        var fields = new RlpWriter().StartList().WriteUInt64(1).WriteUInt64(0).WriteUInt64(1).WriteUInt64(1).WriteUInt64(21_000)
            .WriteBytes([]).WriteUInt64(0).WriteBytes([]).StartList().EndList().WriteUInt64(1)
            .StartList().WriteHash(creation.BlobVersionedHashes[0]).EndList().WriteUInt64(0).WriteUInt64(1).WriteUInt64(1).EndList().ToArray();
        Assert.Equal(InvalidTransactionReason.BlobContractCreation, Refusal(() => Transaction.Decode([0x03, .. fields])));
    }

    [Fact]
    public void A_wrong_chain_id_is_detected()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var forMainnet = Sample("dynamic-fee", key) with { ChainId = 1 };
        var signed = forMainnet.Sign(key);
        Assert.Equal(ChainIdCheck.Mismatch, signed.CheckChainId(ChainConfig.HyperionGridChainId));
        Assert.Equal(ChainIdCheck.Match, signed.CheckChainId(1));
        Assert.Equal(InvalidTransactionReason.InvalidChainId, Refusal(() => TransactionValidator.Validate(signed, ChainConfig.Default)));

        var legacyOtherChain = (Sample("legacy-155", key) with { ChainId = 5 }).Sign(key);
        Assert.Equal(InvalidTransactionReason.InvalidChainId, Refusal(() => TransactionValidator.Validate(legacyOtherChain, ChainConfig.Default)));

        // Pre-EIP-155 legacy transactions name no chain: valid everywhere, but flagged.
        var unprotected = Sample("legacy", key);
        Assert.False(unprotected.IsReplayProtected);
        Assert.Equal(ChainIdCheck.Unprotected, unprotected.CheckChainId(ChainConfig.HyperionGridChainId));
        Assert.Equal(key.Address, TransactionValidator.Validate(unprotected, ChainConfig.Default));
        Assert.True(Sample("legacy-155", key).IsReplayProtected);
    }

    [Fact]
    public void A_high_s_transaction_signature_is_rejected()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var signed = Sample("dynamic-fee", key);
        var low = signed.Signature!.Value;
        var order = (BigInteger)Secp256k1Signature.CurveOrder;
        var high = signed with { Signature = low with { YParity = (byte)(1 - low.YParity), S = (UInt256)(order - low.S) } };

        var decoded = Transaction.Decode(high.Encode());
        var error = Assert.Throws<InvalidTransactionException>(() => decoded.RecoverSender());
        Assert.Equal(InvalidTransactionReason.InvalidSignature, error.Reason);
        Assert.Contains("EIP-2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_caches_the_sender_and_with_drops_the_cache()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var signed = Sample("dynamic-fee", key);
        Assert.Equal(key.Address, signed.RecoverSender());

        // Changing a signed field keeps the old signature, which now recovers someone else.
        var altered = signed with { Nonce = signed.Nonce + 1 };
        Assert.NotEqual(signed.Hash, altered.Hash);
        Assert.NotEqual(key.Address, altered.RecoverSender());
        Assert.NotEqual(signed, altered);
    }

    [Fact]
    public void Unsigned_transactions_have_no_binary_form_or_sender()
    {
        var unsigned = new Transaction { Type = TxType.DynamicFee, ChainId = 1, GasLimit = 21_000, To = Recipient };
        Assert.Throws<InvalidOperationException>(() => unsigned.Encode());
        Assert.Equal(InvalidTransactionReason.MissingSignature, Refusal(() => unsigned.RecoverSender()));
        Assert.False(unsigned.TryRecoverSender(out _));
        Assert.Equal(unsigned, unsigned with { });
    }

    [Fact]
    public void Malformed_envelopes_are_refused_with_clear_reasons()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var dynamic = Sample("dynamic-fee", key).Encode();

        // A typed transaction wrapped in an RLP string (the block-body form) is not the binary form.
        Assert.Equal(InvalidTransactionReason.UnsupportedType, Refusal(() => Transaction.Decode(Hyperion.Core.Rlp.Rlp.EncodeBytes(dynamic))));
        Assert.Equal(InvalidTransactionReason.UnsupportedType, Refusal(() => Transaction.Decode([0x05, .. dynamic[1..]])));
        Assert.Equal(InvalidTransactionReason.UnsupportedType, Refusal(() => Transaction.Decode([0x00, .. dynamic[1..]])));
        Assert.Equal(InvalidTransactionReason.MalformedRlp, Refusal(() => Transaction.Decode([.. dynamic, 0x00])));
        Assert.Equal(InvalidTransactionReason.MalformedRlp, Refusal(() => Transaction.Decode(dynamic.AsSpan(..^1))));
        Assert.Equal(InvalidTransactionReason.MalformedRlp, Refusal(() => Transaction.Decode([])));

        // A type 0x02 payload with the 11 fields of a type 0x01 one.
        var accessList = Sample("access-list", key).Encode();
        var error = Assert.Throws<InvalidTransactionException>(() => Transaction.Decode([0x02, .. accessList[1..]]));
        Assert.Equal(InvalidTransactionReason.WrongFieldCount, error.Reason);
        Assert.Contains("12 fields, got 11", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Types_must_be_active_under_the_chain_rules()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var berlin = ChainConfig.Default with { Rules = ForkRules.Berlin };
        Assert.Equal(InvalidTransactionReason.UnsupportedType, Refusal(() => TransactionValidator.Validate(Sample("dynamic-fee", key), berlin)));
        Assert.Equal(key.Address, TransactionValidator.Validate(Sample("access-list", key), berlin));

        var deposit = Sample("deposit", key);
        Assert.Equal(deposit.From!.Value, TransactionValidator.Validate(deposit, ChainConfig.Default));
        Assert.Equal(InvalidTransactionReason.UnsupportedType, Refusal(() => TransactionValidator.Validate(deposit, ChainConfig.EthereumMainnet)));
    }

    [Fact]
    public void Intrinsic_gas_counts_creation_calldata_init_code_words_and_access_list()
    {
        byte[] data = [0, 0, 1, 2, .. new byte[60]]; // 64 bytes: 62 zeros, 2 non-zero, 2 words
        var creation = new Transaction
        {
            Type = TxType.AccessList,
            ChainId = 1,
            Data = data,
            AccessList = [new AccessListEntry(Recipient, [Hash256.Zero, Hash256.Zero]), new AccessListEntry(Address.Zero, [])],
        };

        var expected = 21_000UL + 32_000 + (62 * 4) + (2 * 16) + (2 * 2) + (2 * 2_400) + (2 * 1_900);
        Assert.Equal(expected, IntrinsicGas.Calculate(creation, ForkRules.Cancun));
        Assert.Equal(expected - 4, IntrinsicGas.Calculate(creation, ForkRules.London));
        Assert.Equal(21_000UL + (62 * 4) + (2 * 68), IntrinsicGas.Calculate(new Transaction { Data = data, To = Recipient }, ForkRules.SpuriousDragon));
    }

    [Fact]
    public void Fee_rules_are_enforced()
    {
        using var key = PrivateKey.Parse(Eip155Key);
        var tipAboveCap = (Sample("dynamic-fee", key) with { MaxPriorityFeePerGas = 10UL, MaxFeePerGas = 9UL }).Sign(key);
        Assert.Equal(InvalidTransactionReason.TipAboveFeeCap, Refusal(() => TransactionValidator.Validate(tipAboveCap, ChainConfig.Default)));

        var overflow = (Sample("dynamic-fee", key) with { MaxPriorityFeePerGas = 0UL, MaxFeePerGas = UInt256.MaxValue, GasLimit = 2 }).Sign(key);
        Assert.Equal(InvalidTransactionReason.FeeCapTimesGasOverflow, Refusal(() => TransactionValidator.Validate(overflow, ChainConfig.Default)));

        var maxNonce = (Sample("legacy-155", key) with { Nonce = ulong.MaxValue }).Sign(key);
        Assert.Equal(InvalidTransactionReason.NonceMax, Refusal(() => TransactionValidator.Validate(maxNonce, ChainConfig.Default)));

        var tooLittleGas = (Sample("legacy-155", key) with { GasLimit = 20_999 }).Sign(key);
        Assert.Equal(InvalidTransactionReason.IntrinsicGasTooLow, Refusal(() => TransactionValidator.Validate(tooLittleGas, ChainConfig.Default)));

        var bigInitCode = (Sample("dynamic-fee", key) with { To = null, Data = new byte[49_153], GasLimit = 10_000_000 }).Sign(key);
        Assert.Equal(InvalidTransactionReason.InitCodeTooLarge, Refusal(() => TransactionValidator.Validate(bigInitCode, ChainConfig.Default)));
    }

    private static Transaction Sample(string kind, PrivateKey key)
    {
        var accessList = new[] { new AccessListEntry(Recipient, [Hash256.Parse("0x" + new string('1', 64)), Hash256.Zero]) };
        return kind switch
        {
            "legacy" => new Transaction { Nonce = 1, GasPrice = 7UL, GasLimit = 21_000, To = Recipient, Value = 5UL }.Sign(key),
            "legacy-155" => new Transaction
            {
                ChainId = ChainConfig.HyperionGridChainId,
                Nonce = 2,
                GasPrice = 7UL,
                GasLimit = 100_000,
                Data = [1, 2, 3],
            }.Sign(key),
            "access-list" => new Transaction
            {
                Type = TxType.AccessList,
                ChainId = ChainConfig.HyperionGridChainId,
                Nonce = 3,
                GasPrice = 9UL,
                GasLimit = 40_000,
                To = Recipient,
                Value = UInt256.MaxValue,
                AccessList = accessList,
            }.Sign(key),
            "dynamic-fee" => new Transaction
            {
                Type = TxType.DynamicFee,
                ChainId = ChainConfig.HyperionGridChainId,
                Nonce = 4,
                MaxPriorityFeePerGas = 2UL,
                MaxFeePerGas = 100UL,
                GasLimit = 50_000,
                To = Recipient,
                Data = [0xde, 0xad, 0x00],
                AccessList = accessList,
            }.Sign(key),
            "blob" => BlobSample(key),
            "deposit" => new Transaction
            {
                Type = TxType.Deposit,
                SourceHash = Hyperion.Core.Crypto.Keccak256.Compute("source"u8),
                From = Address.Parse("0x00000000000000000000000000000000000000aa"),
                To = Recipient,
                Mint = 1_000UL,
                Value = 10UL,
                GasLimit = 100_000,
                IsSystemTransaction = false,
                Data = [0x01],
            },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
    }

    private static Transaction BlobSample(PrivateKey key)
    {
        var random = new Random(4844);
        var blobs = new List<byte[]>();
        var commitments = new List<byte[]>();
        var proofs = new List<byte[]>();
        for (var i = 0; i < 2; i++)
        {
            var blob = new byte[BlobSidecar.BlobLength];
            random.NextBytes(blob);
            var commitment = new byte[BlobSidecar.CommitmentLength];
            random.NextBytes(commitment);
            var proof = new byte[BlobSidecar.ProofLength];
            random.NextBytes(proof);
            blobs.Add(blob);
            commitments.Add(commitment);
            proofs.Add(proof);
        }

        return new Transaction
        {
            Type = TxType.Blob,
            ChainId = ChainConfig.HyperionGridChainId,
            Nonce = 5,
            MaxPriorityFeePerGas = 1UL,
            MaxFeePerGas = 50UL,
            GasLimit = 21_000,
            To = Recipient,
            MaxFeePerBlobGas = 3UL,
            BlobVersionedHashes = commitments.Select(c => BlobSidecar.ComputeVersionedHash(c)).ToArray(),
            Sidecar = new BlobSidecar(blobs, commitments, proofs),
        }.Sign(key);
    }

    private static InvalidTransactionReason Refusal(Func<object> action) =>
        Assert.Throws<InvalidTransactionException>(action).Reason;

    private sealed class RecordingVerifier(bool result) : IBlobProofVerifier
    {
        public int Calls { get; private set; }

        public bool VerifyBlobProofs(IReadOnlyList<byte[]> blobs, IReadOnlyList<byte[]> commitments, IReadOnlyList<byte[]> proofs)
        {
            Calls++;
            return result;
        }
    }

    [Theory]
    [InlineData(TxType.DynamicFee, 100, 2, 50, 52)] // base fee + tip under the cap
    [InlineData(TxType.DynamicFee, 100, 60, 50, 100)] // capped
    [InlineData(TxType.Legacy, 70, 0, 50, 70)] // the gas price whatever the base fee
    [InlineData(TxType.Deposit, 0, 0, 50, 0)]
    public void Effective_gas_price_is_the_price_paid_in_a_block(TxType type, ulong cap, ulong tip, ulong baseFee, ulong expected)
    {
        var transaction = new Transaction
        {
            Type = type,
            GasPrice = new UInt256(cap),
            MaxFeePerGas = new UInt256(cap),
            MaxPriorityFeePerGas = new UInt256(tip),
        };
        Assert.Equal(new UInt256(expected), transaction.EffectiveGasPrice(new UInt256(baseFee)));
    }

    [Fact]
    public void Effective_gas_price_does_not_wrap_past_256_bits()
    {
        var max = UInt256.Zero - UInt256.One;
        var transaction = new Transaction { Type = TxType.DynamicFee, MaxFeePerGas = new UInt256(100), MaxPriorityFeePerGas = max };
        Assert.Equal(new UInt256(100), transaction.EffectiveGasPrice(new UInt256(50)));
    }
}
