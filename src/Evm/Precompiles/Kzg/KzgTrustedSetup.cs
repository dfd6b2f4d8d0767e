namespace Hyperion.Evm.Precompiles.Kzg;

/// <summary>
/// c-kzg loaded with a trusted setup: verifies KZG proofs (EIP-4844's point evaluation and blob proofs) and
/// computes commitments and proofs. <see cref="Mainnet"/> loads the Ethereum mainnet ceremony's setup that the
/// build copies next to the application, once and lazily; every operation is thread-safe because c-kzg only
/// reads the settings.
/// </summary>
public sealed class KzgTrustedSetup : IDisposable
{
    public const int BytesPerCommitment = 48;
    public const int BytesPerProof = 48;
    public const int BytesPerFieldElement = 32;
    public const int FieldElementsPerBlob = 4096;
    public const int BytesPerBlob = FieldElementsPerBlob * BytesPerFieldElement;

    public const string TrustedSetupFileName = "trusted_setup.txt";

    /// <summary>An absolute path to a trusted setup file that overrides the search next to the application.</summary>
    public const string TrustedSetupPathVariable = "HYPERION_KZG_TRUSTED_SETUP";

    private static readonly Lazy<KzgTrustedSetup> MainnetSetup = new(LoadMainnet, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly KzgSettingsHandle _settings;

    private KzgTrustedSetup(KzgSettingsHandle settings) => _settings = settings;

    /// <summary>The mainnet setup; throws <see cref="KzgUnavailableException"/> (every time) when the native
    /// library or the setup file is missing.</summary>
    public static KzgTrustedSetup Mainnet => MainnetSetup.Value;

    /// <summary>Loads a trusted setup file in c-kzg's text format.</summary>
    public static KzgTrustedSetup Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        KzgNativeMethods.EnsureResolver();
        int result;
        KzgSettingsHandle settings;
        try
        {
            result = KzgNativeMethods.LoadTrustedSetup(path, out settings);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new KzgUnavailableException(
                $"The native KZG library {KzgNativeMethods.LibraryFileName} could not be loaded (looked in: {string.Join(", ", KzgNativeMethods.CandidatePaths())}). "
                + "`dotnet build` builds it on Linux from the c-kzg sources in node_modules (src/Evm/Native/Kzg/build.sh; needs npm and gcc); "
                + $"or set {KzgNativeMethods.LibraryPathVariable} to its path. Without it KZG proofs cannot be verified.",
                e);
        }

        if (result != KzgNativeMethods.Ok)
        {
            settings.Dispose();
            var reason = result == KzgNativeMethods.CannotOpenSetup ? "the file cannot be opened" : $"c-kzg returned error {result}";
            throw new KzgUnavailableException($"Loading the KZG trusted setup '{path}' failed: {reason}.");
        }

        return new KzgTrustedSetup(settings);
    }

    /// <summary>Checks a proof that the polynomial committed to by <paramref name="commitment"/> takes the value
    /// <paramref name="y"/> at <paramref name="z"/>. False for a wrong proof and for malformed arguments (a point
    /// not on the curve or not in the subgroup, a field element not below the BLS modulus).</summary>
    public unsafe bool VerifyKzgProof(ReadOnlySpan<byte> commitment, ReadOnlySpan<byte> z, ReadOnlySpan<byte> y, ReadOnlySpan<byte> proof)
    {
        CheckLength(commitment, BytesPerCommitment, nameof(commitment));
        CheckLength(z, BytesPerFieldElement, nameof(z));
        CheckLength(y, BytesPerFieldElement, nameof(y));
        CheckLength(proof, BytesPerProof, nameof(proof));
        fixed (byte* commitmentPointer = commitment, zPointer = z, yPointer = y, proofPointer = proof)
        {
            var result = KzgNativeMethods.VerifyKzgProof(_settings, commitmentPointer, zPointer, yPointer, proofPointer, out var ok);
            return result == KzgNativeMethods.Ok && ok != 0;
        }
    }

    /// <summary>The commitment to a blob (4096 field elements, each below the BLS modulus).</summary>
    public unsafe byte[] BlobToKzgCommitment(ReadOnlySpan<byte> blob)
    {
        CheckLength(blob, BytesPerBlob, nameof(blob));
        var commitment = new byte[BytesPerCommitment];
        fixed (byte* blobPointer = blob, commitmentPointer = commitment)
        {
            ThrowOnError(KzgNativeMethods.BlobToKzgCommitment(_settings, blobPointer, commitmentPointer), "blob_to_kzg_commitment");
        }

        return commitment;
    }

    /// <summary>The proof of the blob polynomial's value at <paramref name="z"/>, and that value.</summary>
    public unsafe (byte[] Proof, byte[] Y) ComputeKzgProof(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> z)
    {
        CheckLength(blob, BytesPerBlob, nameof(blob));
        CheckLength(z, BytesPerFieldElement, nameof(z));
        var proof = new byte[BytesPerProof];
        var y = new byte[BytesPerFieldElement];
        fixed (byte* blobPointer = blob, zPointer = z, proofPointer = proof, yPointer = y)
        {
            ThrowOnError(KzgNativeMethods.ComputeKzgProof(_settings, blobPointer, zPointer, proofPointer, yPointer), "compute_kzg_proof");
        }

        return (proof, y);
    }

    /// <summary>The blob proof that EIP-4844 sidecars carry (the value at the Fiat-Shamir challenge).</summary>
    public unsafe byte[] ComputeBlobKzgProof(ReadOnlySpan<byte> blob, ReadOnlySpan<byte> commitment)
    {
        CheckLength(blob, BytesPerBlob, nameof(blob));
        CheckLength(commitment, BytesPerCommitment, nameof(commitment));
        var proof = new byte[BytesPerProof];
        fixed (byte* blobPointer = blob, commitmentPointer = commitment, proofPointer = proof)
        {
            ThrowOnError(KzgNativeMethods.ComputeBlobKzgProof(_settings, blobPointer, commitmentPointer, proofPointer), "compute_blob_kzg_proof");
        }

        return proof;
    }

    /// <summary>True when every blob matches its commitment according to its proof; false for any wrong or
    /// malformed one.</summary>
    public unsafe bool VerifyBlobKzgProofBatch(IReadOnlyList<byte[]> blobs, IReadOnlyList<byte[]> commitments, IReadOnlyList<byte[]> proofs)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(proofs);
        if (blobs.Count != commitments.Count || blobs.Count != proofs.Count)
        {
            throw new ArgumentException($"Each blob needs one commitment and one proof: {blobs.Count} blobs, {commitments.Count} commitments, {proofs.Count} proofs.");
        }

        // c-kzg takes contiguous arrays.
        var blobBytes = Concatenate(blobs, BytesPerBlob, nameof(blobs));
        var commitmentBytes = Concatenate(commitments, BytesPerCommitment, nameof(commitments));
        var proofBytes = Concatenate(proofs, BytesPerProof, nameof(proofs));
        fixed (byte* blobPointer = blobBytes, commitmentPointer = commitmentBytes, proofPointer = proofBytes)
        {
            var result = KzgNativeMethods.VerifyBlobKzgProofBatch(_settings, blobPointer, commitmentPointer, proofPointer, (ulong)blobs.Count, out var ok);
            return result == KzgNativeMethods.Ok && ok != 0;
        }
    }

    public void Dispose() => _settings.Dispose();

    private static KzgTrustedSetup LoadMainnet()
    {
        var path = FindTrustedSetupFile();
        var setup = Load(path);

        // The shim is built from the same c-kzg as these constants; a mismatch means a foreign library.
        if (KzgNativeMethods.BytesPerBlob() != BytesPerBlob)
        {
            setup.Dispose();
            throw new KzgUnavailableException($"{KzgNativeMethods.LibraryFileName} uses {KzgNativeMethods.BytesPerBlob()}-byte blobs, not {BytesPerBlob}: it is not the library this build made.");
        }

        return setup;
    }

    private static string FindTrustedSetupFile()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(TrustedSetupPathVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var candidates = new List<string> { Path.Combine(AppContext.BaseDirectory, TrustedSetupFileName) };
        var assemblyDirectory = Path.GetDirectoryName(typeof(KzgTrustedSetup).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            candidates.Add(Path.Combine(assemblyDirectory, TrustedSetupFileName));
        }

        return candidates.FirstOrDefault(File.Exists)
            ?? throw new KzgUnavailableException(
                $"The KZG trusted setup {TrustedSetupFileName} is missing (looked in: {string.Join(", ", candidates)}). "
                + $"The build copies it from the npm package c-kzg; or set {TrustedSetupPathVariable}.");
    }

    private static byte[] Concatenate(IReadOnlyList<byte[]> items, int itemLength, string name)
    {
        var bytes = new byte[items.Count * itemLength];
        for (var i = 0; i < items.Count; i++)
        {
            CheckLength(items[i], itemLength, name);
            items[i].CopyTo(bytes, i * itemLength);
        }

        return bytes;
    }

    private static void CheckLength(ReadOnlySpan<byte> value, int expected, string name)
    {
        if (value.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} bytes, got {value.Length}.", name);
        }
    }

    private static void ThrowOnError(int result, string operation)
    {
        if (result == KzgNativeMethods.BadArguments)
        {
            throw new ArgumentException($"c-kzg {operation} rejected its arguments (a field element not below the BLS modulus, or a malformed point).");
        }

        if (result != KzgNativeMethods.Ok)
        {
            throw new InvalidOperationException($"c-kzg {operation} failed with error {result}.");
        }
    }
}
