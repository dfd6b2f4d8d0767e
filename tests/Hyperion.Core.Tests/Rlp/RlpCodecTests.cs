using CsCheck;
using Hyperion.Core.Rlp;

namespace Hyperion.Core.Tests.Rlp;

public sealed class RlpCodecTests
{
    [Theory]
    [InlineData("8100", "non-canonical single byte")]
    [InlineData("817f", "non-canonical single byte")]
    [InlineData("b80100", "short form")]
    [InlineData("b90000", "leading zero")]
    [InlineData("f80100", "short form")]
    [InlineData("83646f", "remain")]
    [InlineData("c283646f67", "remain")]
    [InlineData("8001", "trailing")]
    [InlineData("", "end of input")]
    public void Non_canonical_or_truncated_input_is_rejected_with_a_clear_error(string hex, string expectedWords)
    {
        var error = Assert.Throws<RlpException>(() => Core.Rlp.Rlp.Validate(Hex.Decode(hex)));
        Assert.Contains(expectedWords, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Integers_with_leading_zeros_are_rejected()
    {
        var reader = new RlpReader(Hex.Decode("820001"));
        try
        {
            reader.ReadUInt64();
            Assert.Fail("A leading zero was accepted.");
        }
        catch (RlpException e)
        {
            Assert.Contains("leading zero", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Integers_round_trip()
    {
        Gen.ULong.Sample(value =>
        {
            var encoded = new RlpWriter().WriteUInt64(value).ToArray();
            var reader = new RlpReader(encoded);
            Assert.Equal(value, reader.ReadUInt64());
            reader.EnsureEnd();
        }, iter: 2000);

        Gen.ULong.Array[4].Sample(limbs =>
        {
            var value = new UInt256(limbs[0], limbs[1], limbs[2], limbs[3]);
            var reader = new RlpReader(Core.Rlp.Rlp.EncodeUInt256(value));
            Assert.Equal(value, reader.ReadUInt256());
        }, iter: 2000);
    }

    [Fact]
    public void Nested_lists_of_any_size_round_trip()
    {
        Gen.Byte.Array[0, 300].Array[0, 20].Sample(items =>
        {
            var writer = new RlpWriter(16);
            writer.StartList();
            foreach (var item in items)
            {
                writer.StartList().WriteBytes(item).EndList();
            }

            writer.EndList();
            var encoded = writer.ToArray();
            Core.Rlp.Rlp.Validate(encoded);

            var outer = new RlpReader(encoded).ReadList();
            foreach (var item in items)
            {
                var inner = outer.ReadList();
                Assert.Equal(item, inner.ReadBytes().ToArray());
                inner.EnsureEnd();
            }

            outer.EnsureEnd();
        }, iter: 300);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_overflowing_the_stack()
    {
        var writer = new RlpWriter();
        var depth = Core.Rlp.Rlp.MaxValidationDepth + 10;
        for (var i = 0; i < depth; i++)
        {
            writer.StartList();
        }

        for (var i = 0; i < depth; i++)
        {
            writer.EndList();
        }

        var error = Assert.Throws<RlpException>(() => Core.Rlp.Rlp.Validate(writer.ToArray()));
        Assert.Contains("nested deeper", error.Message, StringComparison.Ordinal);
    }
}
