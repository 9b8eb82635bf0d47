using ImapAutomation.Core.Cards;

namespace ImapAutomation.Core.Tests.Cards;

public sealed class CardTextTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("**x**", "\\*\\*x\\*\\*")]
    [InlineData("[a](b)", "\\[a\\]\\(b\\)")]
    [InlineData("<at>Boss</at>", "\\<at\\>Boss\\</at\\>")]
    [InlineData("&lt;at&gt;", "\\&lt;at\\&gt;")]
    [InlineData("- item", "\\- item")]
    [InlineData("12. item", "12\\. item")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("https://evil.example/x", "https\\[:\\]//evil.example/x")]
    [InlineData("WWW.evil.example", "WWW\\[.\\]evil.example")]
    [InlineData("a@b.example", "a\\[@\\]b.example")]
    public void Escape_UntrustedText_NeutralisesMarkdownLinksAndMentions(string input, string expected)
    {
        var truncated = false;

        Assert.Equal(expected, CardText.Escape(input, 100, ref truncated));
        Assert.False(truncated);
    }

    [Fact]
    public void Sanitize_ControlBidiAndZeroWidthCharacters_AreRemovedAndWhitespaceFolded()
    {
        var truncated = false;

        var result = CardText.Sanitize("  a\u0000b\r\n\tc\u202Ed\u200Be\uFEFF\u2028f  ", 100, ref truncated);

        Assert.Equal("a b cde f", result);
    }

    [Fact]
    public void Sanitize_LongText_IsCutWithAnEllipsisAndReported()
    {
        var truncated = false;

        var result = CardText.Sanitize(new string('x', 50), 10, ref truncated);

        Assert.Equal(new string('x', 9) + "\u2026", result);
        Assert.True(truncated);
    }

    [Fact]
    public void Sanitize_CutInsideASurrogatePair_NeverLeavesHalfACharacter()
    {
        var truncated = false;

        var result = CardText.Sanitize("abcdefgh\U0001F512\U0001F512\U0001F512", 10, ref truncated);

        Assert.Equal("abcdefgh\u2026", result);
        Assert.True(truncated);
    }

    [Fact]
    public void Sanitize_LoneSurrogates_AreDropped()
    {
        var truncated = false;

        Assert.Equal("ab", CardText.Sanitize("a\uD800b\uDC00", 10, ref truncated));
    }
}
