using Hyperion.Core;
using Hyperion.Core.Rlp;
using Hyperion.Core.Transactions;
using Hyperion.Evm;
using Hyperion.Execution.Evm;
using Hyperion.State;

namespace Hyperion.Grains.Chain;

/// <summary>
/// The bytes of the block log: a committed block with its receipts, a block's state delta, and a whole-state
/// checkpoint, each as one RLP list. Format version 1; a reader refuses any other, so a log written by a newer
/// node is never misread.
/// </summary>
public static class BlockLogCodec
{
    private const ulong FormatVersion = 1;

    private static readonly IReadOnlyDictionary<Address, ColdContract> NoColdContracts = new Dictionary<Address, ColdContract>();

    /// <summary>rlp([version, header, [tx…], [sender…], [receipt…]]), a receipt being [type, status, cumulative gas, gas, blob gas, contract address or empty, [log…]].</summary>
    public static byte[] EncodeBlock(StoredBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var writer = new RlpWriter(1024 + (block.Transactions.Count * 256));
        writer.StartList().WriteUInt64(FormatVersion).WriteBytes(block.Header.Encode()).StartList();
        foreach (var raw in block.Transactions)
        {
            writer.WriteBytes(raw);
        }

        writer.EndList().StartList();
        foreach (var sender in block.Senders)
        {
            writer.WriteAddress(sender);
        }

        writer.EndList().StartList();
        foreach (var receipt in block.Receipts)
        {
            writer.StartList()
                .WriteUInt64((ulong)receipt.Type)
                .WriteBool(receipt.Succeeded)
                .WriteUInt64(receipt.CumulativeGasUsed)
                .WriteUInt64(receipt.GasUsed)
                .WriteUInt64(receipt.BlobGasUsed)
                .WriteOptionalAddress(receipt.ContractAddress)
                .StartList();
            foreach (var log in receipt.Logs)
            {
                writer.StartList().WriteAddress(log.Address).StartList();
                foreach (var topic in log.Topics)
                {
                    writer.WriteHash(topic);
                }

                writer.EndList().WriteBytes(log.Data).EndList();
            }

            writer.EndList().EndList();
        }

        return writer.EndList().EndList().ToArray();
    }

    public static StoredBlock DecodeBlock(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var list = outer.ReadList();
        outer.EnsureEnd();
        CheckVersion(list.ReadUInt64(), "block");
        var header = BlockHeader.Decode(list.ReadBytes());
        var transactions = new List<byte[]>();
        var txList = list.ReadList();
        while (!txList.IsEnd)
        {
            transactions.Add(txList.ReadBytes().ToArray());
        }

        var senders = new List<Address>();
        var senderList = list.ReadList();
        while (!senderList.IsEnd)
        {
            senders.Add(senderList.ReadAddress());
        }

        var receipts = new List<TransactionReceipt>();
        var receiptList = list.ReadList();
        while (!receiptList.IsEnd)
        {
            var item = receiptList.ReadList();
            var type = (TxType)item.ReadUInt64();
            var succeeded = item.ReadBool();
            var cumulative = item.ReadUInt64();
            var gasUsed = item.ReadUInt64();
            var blobGasUsed = item.ReadUInt64();
            var contractAddress = item.ReadOptionalAddress();
            var logs = new List<LogEntry>();
            var logList = item.ReadList();
            while (!logList.IsEnd)
            {
                var log = logList.ReadList();
                var address = log.ReadAddress();
                var topics = new List<Hash256>();
                var topicList = log.ReadList();
                while (!topicList.IsEnd)
                {
                    topics.Add(topicList.ReadHash());
                }

                logs.Add(new LogEntry(address, topics, log.ReadBytes().ToArray()));
            }

            receipts.Add(new TransactionReceipt(type, succeeded, cumulative, gasUsed, blobGasUsed, logs, bloom: null, contractAddress));
        }

        list.EnsureEnd();
        if (senders.Count != transactions.Count || receipts.Count != transactions.Count)
        {
            throw new RlpException($"A stored block has {transactions.Count} transactions, {senders.Count} senders and {receipts.Count} receipts.");
        }

        return new StoredBlock(header, transactions, senders, receipts);
    }

    /// <summary>rlp([version, [[address, deleted, nonce, balance, code hash, storage cleared, [[slot, value]…]]…], [[code hash, code]…]]), accounts in address order.</summary>
    public static byte[] EncodeChanges(StateChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var writer = new RlpWriter(256 + (changes.Accounts.Count * 128));
        writer.StartList().WriteUInt64(FormatVersion).StartList();
        foreach (var (address, change) in changes.Accounts.OrderBy(pair => pair.Key))
        {
            writer.StartList()
                .WriteAddress(address)
                .WriteBool(change.Deleted)
                .WriteUInt64(change.Nonce)
                .WriteUInt256(change.Balance)
                .WriteHash(change.CodeHash)
                .WriteBool(change.StorageCleared);
            WriteSlots(writer, change.Storage);
            writer.EndList();
        }

        writer.EndList();
        WriteCode(writer, changes.Code);
        return writer.EndList().ToArray();
    }

    public static StateChanges DecodeChanges(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var list = outer.ReadList();
        outer.EnsureEnd();
        CheckVersion(list.ReadUInt64(), "state delta");
        var accounts = new Dictionary<Address, AccountChange>();
        var accountList = list.ReadList();
        while (!accountList.IsEnd)
        {
            var item = accountList.ReadList();
            var address = item.ReadAddress();
            var deleted = item.ReadBool();
            var nonce = item.ReadUInt64();
            var balance = item.ReadUInt256();
            var codeHash = item.ReadHash();
            var cleared = item.ReadBool();
            var storage = ReadSlots(ref item);
            item.EnsureEnd();
            accounts[address] = new AccountChange(deleted, nonce, balance, codeHash, cleared, storage);
        }

        var code = ReadCode(ref list);
        list.EnsureEnd();
        return new StateChanges(accounts, code);
    }

    /// <summary>
    /// rlp([version, [[address, nonce, balance, code hash, [[slot, value]…]]…], [[code hash, code]…]]), accounts in
    /// address order. The contracts the snapshot evicted (<see cref="StateSnapshot.ColdContracts"/>) are taken from
    /// <paramref name="cold"/>, fetched beforehand, so that encoding never blocks on a load.
    /// </summary>
    public static byte[] EncodeSnapshot(StateSnapshot snapshot, IReadOnlyDictionary<Address, ColdContract>? cold = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var writer = new RlpWriter(1024 + (snapshot.AccountCount * 128));
        writer.StartList().WriteUInt64(FormatVersion).StartList();
        var code = new Dictionary<Hash256, byte[]>();
        foreach (var (address, account, storage, accountCode) in snapshot.Export(cold ?? NoColdContracts).OrderBy(entry => entry.Address))
        {
            writer.StartList()
                .WriteAddress(address)
                .WriteUInt64(account.Nonce)
                .WriteUInt256(account.Balance)
                .WriteHash(account.CodeHash);
            WriteSlots(writer, storage);
            writer.EndList();
            if (account.CodeHash != AccountInfo.EmptyCodeHash)
            {
                code.TryAdd(account.CodeHash, accountCode);
            }
        }

        writer.EndList();
        WriteCode(writer, code);
        return writer.EndList().ToArray();
    }

    public static StateSnapshot DecodeSnapshot(ReadOnlySpan<byte> encoded)
    {
        var outer = new RlpReader(encoded);
        var list = outer.ReadList();
        outer.EnsureEnd();
        CheckVersion(list.ReadUInt64(), "state checkpoint");
        var accounts = new List<(Address Address, ulong Nonce, UInt256 Balance, Hash256 CodeHash, IReadOnlyDictionary<UInt256, UInt256> Storage)>();
        var accountList = list.ReadList();
        while (!accountList.IsEnd)
        {
            var item = accountList.ReadList();
            accounts.Add((item.ReadAddress(), item.ReadUInt64(), item.ReadUInt256(), item.ReadHash(), ReadSlots(ref item)));
            item.EnsureEnd();
        }

        var code = ReadCode(ref list);
        list.EnsureEnd();
        return StateSnapshot.FromAccounts(accounts.Select(account => new KeyValuePair<Address, PlainAccount>(
            account.Address,
            new PlainAccount
            {
                Nonce = account.Nonce,
                Balance = account.Balance,
                Code = account.CodeHash == AccountInfo.EmptyCodeHash ? ReadOnlyMemory<byte>.Empty : code[account.CodeHash],
                Storage = account.Storage,
            })));
    }

    private static void WriteSlots(RlpWriter writer, IReadOnlyDictionary<UInt256, UInt256> storage)
    {
        writer.StartList();
        foreach (var (slot, value) in storage.OrderBy(pair => pair.Key))
        {
            writer.StartList().WriteUInt256(slot).WriteUInt256(value).EndList();
        }

        writer.EndList();
    }

    private static Dictionary<UInt256, UInt256> ReadSlots(ref RlpReader reader)
    {
        var storage = new Dictionary<UInt256, UInt256>();
        var slots = reader.ReadList();
        while (!slots.IsEnd)
        {
            var pair = slots.ReadList();
            storage[pair.ReadUInt256()] = pair.ReadUInt256();
            pair.EnsureEnd();
        }

        return storage;
    }

    private static void WriteCode(RlpWriter writer, IEnumerable<KeyValuePair<Hash256, byte[]>> code)
    {
        writer.StartList();
        foreach (var (hash, bytes) in code.OrderBy(pair => pair.Key))
        {
            writer.StartList().WriteHash(hash).WriteBytes(bytes).EndList();
        }

        writer.EndList();
    }

    private static Dictionary<Hash256, byte[]> ReadCode(ref RlpReader reader)
    {
        var code = new Dictionary<Hash256, byte[]>();
        var list = reader.ReadList();
        while (!list.IsEnd)
        {
            var pair = list.ReadList();
            code[pair.ReadHash()] = pair.ReadBytes().ToArray();
            pair.EnsureEnd();
        }

        return code;
    }

    private static void CheckVersion(ulong version, string what)
    {
        if (version != FormatVersion)
        {
            throw new RlpException($"The block log holds a {what} in format {version}; this node reads format {FormatVersion} only (was it written by a newer node?).");
        }
    }
}

/// <summary>A committed block as the block log keeps it: header, transactions in network encoding, senders, receipts.</summary>
public sealed record StoredBlock(
    BlockHeader Header,
    IReadOnlyList<byte[]> Transactions,
    IReadOnlyList<Address> Senders,
    IReadOnlyList<TransactionReceipt> Receipts);
