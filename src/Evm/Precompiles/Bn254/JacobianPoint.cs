namespace Hyperion.Evm.Precompiles.Bn254;

/// <summary>
/// A point on y² = x³ + b over field T in Jacobian coordinates (x = X/Z², y = Y/Z³; Z = 0 is the point at
/// infinity), so adding and doubling need no field inversion. The formulas are for a = 0 and do not use b;
/// checking that a point is on its curve happens when it is read.
/// </summary>
internal readonly struct JacobianPoint<T>
    where T : struct, IBn254Field<T>
{
    public readonly T X;
    public readonly T Y;
    public readonly T Z;

    public JacobianPoint(T x, T y, T z)
    {
        X = x;
        Y = y;
        Z = z;
    }

    public static JacobianPoint<T> Infinity => new(T.One, T.One, T.Zero);

    public bool IsInfinity => Z.IsZero;

    public static JacobianPoint<T> FromAffine(T x, T y) => new(x, y, T.One);

    /// <summary>"dbl-2009-l" from the Explicit-Formulas Database.</summary>
    public JacobianPoint<T> Double()
    {
        if (IsInfinity || Y.IsZero)
        {
            return Infinity;
        }

        var a = X.Square();
        var b = Y.Square();
        var c = b.Square();
        var d = ((X + b).Square() - a - c).Double();
        var e = a.Double() + a;
        var f = e.Square();
        var x3 = f - d.Double();
        var y3 = (e * (d - x3)) - c.Double().Double().Double();
        var z3 = (Y * Z).Double();
        return new JacobianPoint<T>(x3, y3, z3);
    }

    /// <summary>"add-2007-bl", falling back to doubling when both points are the same.</summary>
    public JacobianPoint<T> Add(in JacobianPoint<T> other)
    {
        if (IsInfinity)
        {
            return other;
        }

        if (other.IsInfinity)
        {
            return this;
        }

        var z1z1 = Z.Square();
        var z2z2 = other.Z.Square();
        var u1 = X * z2z2;
        var u2 = other.X * z1z1;
        var s1 = Y * other.Z * z2z2;
        var s2 = other.Y * Z * z1z1;
        var h = u2 - u1;
        var r = (s2 - s1).Double();
        if (h.IsZero)
        {
            // Same x: either the same point (double it) or its negation (the sum is infinity).
            return r.IsZero ? Double() : Infinity;
        }

        var i = h.Double().Square();
        var j = h * i;
        var v = u1 * i;
        var x3 = r.Square() - j - v.Double();
        var y3 = (r * (v - x3)) - (s1 * j).Double();
        var z3 = ((Z + other.Z).Square() - z1z1 - z2z2) * h;
        return new JacobianPoint<T>(x3, y3, z3);
    }

    public JacobianPoint<T> Negate() => new(X, -Y, Z);

    /// <summary>Double-and-add over the scalar's bits, most significant first. The inputs are public, so
    /// the timing leaks nothing.</summary>
    public JacobianPoint<T> Multiply(ReadOnlySpan<byte> scalarBigEndian)
    {
        var result = Infinity;
        foreach (var scalarByte in scalarBigEndian)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                result = result.Double();
                if (((scalarByte >> bit) & 1) != 0)
                {
                    result = result.Add(this);
                }
            }
        }

        return result;
    }

    /// <summary>The affine coordinates; infinity has none.</summary>
    public (T X, T Y) ToAffine()
    {
        if (IsInfinity)
        {
            throw new InvalidOperationException("The point at infinity has no affine coordinates.");
        }

        var zInverse = Z.Inverse();
        var zInverseSquared = zInverse.Square();
        return (X * zInverseSquared, Y * zInverseSquared * zInverse);
    }

    public bool IsSamePointAs(in JacobianPoint<T> other)
    {
        if (IsInfinity || other.IsInfinity)
        {
            return IsInfinity && other.IsInfinity;
        }

        // X1/Z1² = X2/Z2² and Y1/Z1³ = Y2/Z2³, cross-multiplied.
        var z1z1 = Z.Square();
        var z2z2 = other.Z.Square();
        return (X * z2z2).Equals(other.X * z1z1) && (Y * z2z2 * other.Z).Equals(other.Y * z1z1 * Z);
    }
}
