namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>F_p⁶ = F_p²[v] / (v³ - ξ): <see cref="C0"/> + <see cref="C1"/>·v + <see cref="C2"/>·v².</summary>
internal readonly struct Fp6 : IEquatable<Fp6>
{
    public readonly Fp2 C0;
    public readonly Fp2 C1;
    public readonly Fp2 C2;

    public Fp6(Fp2 c0, Fp2 c1, Fp2 c2)
    {
        C0 = c0;
        C1 = c1;
        C2 = c2;
    }

    public static Fp6 Zero => default;

    public static Fp6 One { get; } = new(Fp2.One, Fp2.Zero, Fp2.Zero);

    public bool IsZero => C0.IsZero && C1.IsZero && C2.IsZero;

    public static Fp6 operator +(Fp6 left, Fp6 right) => new(left.C0 + right.C0, left.C1 + right.C1, left.C2 + right.C2);

    public static Fp6 operator -(Fp6 left, Fp6 right) => new(left.C0 - right.C0, left.C1 - right.C1, left.C2 - right.C2);

    public static Fp6 operator -(Fp6 value) => new(-value.C0, -value.C1, -value.C2);

    /// <summary>Karatsuba-style product (six F_p² products), reducing v³ to ξ.</summary>
    public static Fp6 operator *(Fp6 left, Fp6 right)
    {
        var v0 = left.C0 * right.C0;
        var v1 = left.C1 * right.C1;
        var v2 = left.C2 * right.C2;
        var c0 = v0 + (((left.C1 + left.C2) * (right.C1 + right.C2)) - v1 - v2).MultiplyByXi();
        var c1 = ((left.C0 + left.C1) * (right.C0 + right.C1)) - v0 - v1 + v2.MultiplyByXi();
        var c2 = ((left.C0 + left.C2) * (right.C0 + right.C2)) - v0 - v2 + v1;
        return new Fp6(c0, c1, c2);
    }

    public static Fp6 operator *(Fp6 left, Fp2 right) => new(left.C0 * right, left.C1 * right, left.C2 * right);

    public Fp6 Square() => this * this;

    /// <summary>Multiplies by b0 + b1·v (no v² term), as the Miller loop's sparse lines need: five F_p²
    /// products instead of six.</summary>
    public Fp6 MultiplyBy01(Fp2 b0, Fp2 b1)
    {
        var v0 = C0 * b0;
        var v1 = C1 * b1;
        var c0 = v0 + (C2 * b1).MultiplyByXi();
        var c1 = ((C0 + C1) * (b0 + b1)) - v0 - v1;
        var c2 = v1 + (C2 * b0);
        return new Fp6(c0, c1, c2);
    }

    /// <summary>Multiplies by v: (c0 + c1·v + c2·v²)·v = ξ·c2 + c0·v + c1·v².</summary>
    public Fp6 MultiplyByV() => new(C2.MultiplyByXi(), C0, C1);

    public Fp6 Inverse()
    {
        var t0 = C0.Square() - (C1 * C2).MultiplyByXi();
        var t1 = C2.Square().MultiplyByXi() - (C0 * C1);
        var t2 = C1.Square() - (C0 * C2);
        var norm = (C0 * t0) + ((C2 * t1) + (C1 * t2)).MultiplyByXi();
        var normInverse = norm.Inverse();
        return new Fp6(t0 * normInverse, t1 * normInverse, t2 * normInverse);
    }

    public bool Equals(Fp6 other) => C0.Equals(other.C0) && C1.Equals(other.C1) && C2.Equals(other.C2);

    public override bool Equals(object? obj) => obj is Fp6 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(C0, C1, C2);

    public static bool operator ==(Fp6 left, Fp6 right) => left.Equals(right);

    public static bool operator !=(Fp6 left, Fp6 right) => !left.Equals(right);
}
