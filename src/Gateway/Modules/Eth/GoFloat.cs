using System.Globalization;
using System.Text;

namespace Hyperion.Gateway.Modules.Eth;

/// <summary>
/// Writes a double the way Go's encoding/json does (geth's <c>gasUsedRatio</c>): the shortest digits that round-trip,
/// in plain decimal unless the magnitude is below 1e-6 or from 1e21 up, where it is <c>1.5e-7</c> style. .NET's own
/// choice of when to switch to an exponent differs, so the digits are taken from .NET and laid out here.
/// </summary>
internal static class GoFloat
{
    public static string Format(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "JSON has no NaN or infinity.");
        }

        if (value == 0)
        {
            return "0";
        }

        // "R" gives the shortest round-tripping digits, as d.ddd, ddd.d or d.dddE±xx.
        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = roundTrip[0] == '-';
        var text = negative ? roundTrip.AsSpan(1) : roundTrip.AsSpan();
        var exponent = 0;
        var e = text.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            text = text[..e];
        }

        // Digits without the point, and where the point goes: value = 0.d1d2d3… × 10^pointAt.
        var digits = new StringBuilder(24);
        var pointAt = -1;
        foreach (var c in text)
        {
            if (c == '.')
            {
                pointAt = digits.Length;
            }
            else
            {
                digits.Append(c);
            }
        }

        pointAt = (pointAt < 0 ? digits.Length : pointAt) + exponent;
        var leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits.Remove(0, leadingZeros);
        pointAt -= leadingZeros;
        while (digits.Length > 1 && digits[^1] == '0')
        {
            digits.Length--;
        }

        var result = new StringBuilder(32);
        if (negative)
        {
            result.Append('-');
        }

        var magnitude = Math.Abs(value);
        if (magnitude < 1e-6 || magnitude >= 1e21)
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
            {
                result.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var goExponent = pointAt - 1;
            result.Append('e').Append(goExponent < 0 ? '-' : '+');

            // Go writes at least two exponent digits, and encoding/json then trims e-07 to e-7 (not e+21).
            var exponentDigits = Math.Abs(goExponent).ToString(CultureInfo.InvariantCulture);
            if (exponentDigits.Length < 2 && goExponent >= 0)
            {
                result.Append('0');
            }

            result.Append(exponentDigits);
            return result.ToString();
        }

        if (pointAt <= 0)
        {
            result.Append("0.").Append('0', -pointAt).Append(digits);
        }
        else if (pointAt >= digits.Length)
        {
            result.Append(digits).Append('0', pointAt - digits.Length);
        }
        else
        {
            result.Append(digits, 0, pointAt).Append('.').Append(digits, pointAt, digits.Length - pointAt);
        }

        return result.ToString();
    }
}
