using System.Reflection;
using System.Runtime.InteropServices;

namespace Hyperion.Evm.Precompiles.Kzg;

/// <summary>
/// P/Invoke declarations for libhyperion_kzg.so (src/Evm/Native/Kzg/hyperion_kzg.c: c-kzg and blst behind a
/// handful of exported functions). The build puts the library next to the application's assemblies; the
/// resolver looks there first, because the default probing would not find it under a host such as testhost.
/// </summary>
internal static partial class KzgNativeMethods
{
    public const string LibraryName = "hyperion_kzg";
    public const string LibraryFileName = "libhyperion_kzg.so";

    /// <summary>An absolute path to the library that overrides the search.</summary>
    public const string LibraryPathVariable = "HYPERION_KZG_LIBRARY";

    // c-kzg's C_KZG_RET values and the shim's own code for an unreadable trusted setup file.
    public const int Ok = 0;
    public const int BadArguments = 1;
    public const int CannotOpenSetup = 100;

    private static int _resolverInstalled;

    /// <summary>Installs the import resolver for this assembly, once; call before the first native call.</summary>
    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(KzgNativeMethods).Assembly, Resolve);
        }
    }

    /// <summary>The places the library is looked for, in order.</summary>
    public static IEnumerable<string> CandidatePaths()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(LibraryPathVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            yield return fromEnvironment;
        }

        yield return Path.Combine(AppContext.BaseDirectory, LibraryFileName);
        var assemblyDirectory = Path.GetDirectoryName(typeof(KzgNativeMethods).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDirectory))
        {
            yield return Path.Combine(assemblyDirectory, LibraryFileName);
        }
    }

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_load_trusted_setup", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LoadTrustedSetup(string path, out KzgSettingsHandle settings);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_free_trusted_setup")]
    public static partial void FreeTrustedSetup(IntPtr settings);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_bytes_per_blob")]
    public static partial int BytesPerBlob();

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_verify_kzg_proof")]
    public static unsafe partial int VerifyKzgProof(KzgSettingsHandle settings, byte* commitment, byte* z, byte* y, byte* proof, out int ok);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_blob_to_kzg_commitment")]
    public static unsafe partial int BlobToKzgCommitment(KzgSettingsHandle settings, byte* blob, byte* commitment);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_compute_kzg_proof")]
    public static unsafe partial int ComputeKzgProof(KzgSettingsHandle settings, byte* blob, byte* z, byte* proof, byte* y);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_compute_blob_kzg_proof")]
    public static unsafe partial int ComputeBlobKzgProof(KzgSettingsHandle settings, byte* blob, byte* commitment, byte* proof);

    [LibraryImport(LibraryName, EntryPoint = "hyperion_kzg_verify_blob_kzg_proof_batch")]
    public static unsafe partial int VerifyBlobKzgProofBatch(KzgSettingsHandle settings, byte* blobs, byte* commitments, byte* proofs, ulong count, out int ok);

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
        {
            return IntPtr.Zero;
        }

        foreach (var candidate in CandidatePaths())
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        // Falls back to the runtime's own probing, whose failure KzgTrustedSetup turns into a clear message.
        return IntPtr.Zero;
    }
}
