namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// The field operations that curve arithmetic needs, so one implementation of the point formulas serves
/// G1 (over <see cref="Fp"/>) and G2 (over <see cref="Fp2"/>); the JIT specializes it for each struct.
/// </summary>
internal interface IBn254Field<T> : IEquatable<T>
    where T : struct, IBn254Field<T>
{
    static abstract T Zero { get; }

    static abstract T One { get; }

    bool IsZero { get; }

    static abstract T operator +(T left, T right);

    static abstract T operator -(T left, T right);

    static abstract T operator -(T value);

    static abstract T operator *(T left, T right);

    T Square();

    T Double();

    T Inverse();
}
