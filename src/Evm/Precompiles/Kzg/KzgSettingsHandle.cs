using Microsoft.Win32.SafeHandles;

namespace Hyperion.Evm.Precompiles.Kzg;

/// <summary>Owns a KZGSettings allocated by the shim; freeing it twice or while in use is impossible through a SafeHandle.</summary>
internal sealed class KzgSettingsHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public KzgSettingsHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        KzgNativeMethods.FreeTrustedSetup(handle);
        return true;
    }
}
