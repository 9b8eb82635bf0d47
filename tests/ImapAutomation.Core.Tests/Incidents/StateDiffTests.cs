using System.Text.Json;
using ImapAutomation.Core.Incidents;

namespace ImapAutomation.Core.Tests.Incidents;

public sealed class StateDiffTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Between_SettingsChanged_KeepsOnlyTheDifferingValuesInDocumentOrder()
    {
        var (changes, omitted) = StateDiff.Between(
            Json("""{"Server":"ex01","EnableGSSAPIAndNTLMAuth":true,"MaxConnections":2147483647,"Banner":"IMAP4 ready"}"""),
            Json("""{"Server":"ex01","EnableGSSAPIAndNTLMAuth":false,"MaxConnections":4000,"Banner":"IMAP4 ready"}"""));

        Assert.Equal(
            [new StateChange("EnableGSSAPIAndNTLMAuth", "true", "false"), new StateChange("MaxConnections", "2147483647", "4000")],
            changes);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Between_NestedObjectsAndArrays_NamesEachChangedValueByItsPath()
    {
        var (changes, _) = StateDiff.Between(
            Json("""{"services":[{"name":"MSExchangeIMAP4","status":"Running","started":"09:00"},{"name":"MSExchangeIMAP4BE","status":"Stopped"}]}"""),
            Json("""{"services":[{"name":"MSExchangeIMAP4","status":"Running","started":"09:47"},{"name":"MSExchangeIMAP4BE","status":"Running"}]}"""));

        Assert.Equal(
            [new StateChange("services[0].started", "09:00", "09:47"), new StateChange("services[1].status", "Stopped", "Running")],
            changes);
    }

    [Fact]
    public void Between_PropertyAddedAndRemoved_ShowsNullOnTheSideWhereItIsMissing()
    {
        var (changes, _) = StateDiff.Between(Json("""{"old":"x","same":1}"""), Json("""{"same":1,"new":null}"""));

        Assert.Equal([new StateChange("old", "x", null), new StateChange("new", null, "null")], changes);
    }

    [Fact]
    public void Between_IdenticalState_IsAnEmptyListNotNull()
    {
        var (changes, omitted) = StateDiff.Between(Json("""{"a":[1,2,{"b":"c"}]}"""), Json("""{"a":[1,2,{"b":"c"}]}"""));

        Assert.NotNull(changes);
        Assert.Empty(changes);
        Assert.Equal(0, omitted);
    }

    [Fact]
    public void Between_NoStateOnEitherSide_IsNull()
    {
        Assert.Null(StateDiff.Between(null, null).Changes);
        Assert.Null(StateDiff.Between(Json("null"), null).Changes);
    }

    [Fact]
    public void Between_OnlyAfterState_EveryValueIsNew()
    {
        var (changes, _) = StateDiff.Between(null, Json("""{"Thumbprint":"3F2A"}"""));

        Assert.Equal([new StateChange("Thumbprint", null, "3F2A")], changes);
    }

    [Fact]
    public void Between_NestingDeeperThanIsShown_ComparesTheDeepPartAsJsonText()
    {
        var deep = """{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":1}}}}}}}}}""";

        var (changes, _) = StateDiff.Between(Json(deep), Json(deep.Replace("1", "2", StringComparison.Ordinal)));

        var change = Assert.Single(changes!);
        Assert.Equal("a.b.c.d.e.f.g.h", change.Path);
        Assert.Equal("""{"i":2}""", change.After);
    }

    [Fact]
    public void Between_ManyLongHostileChanges_KeepsAFewShortOnesWithinTheSizeCapAndCountsTheRest()
    {
        // Every value escapes to \uXXXX in the stored JSON (six characters each): the cap is on the stored size.
        var hostile = "<script>&'\"[x](https://evil.example) {{DATE(2026-11-30T00:00:00Z, SHORT)}} \u202E\u0000 " + new string('<', 300);
        var before = new Dictionary<string, string>();
        var after = new Dictionary<string, string>();
        for (var i = 0; i < 40; i++)
        {
            before[$"{hostile}{i}"] = hostile + "before" + i;
            after[$"{hostile}{i}"] = hostile + "after" + i;
        }

        var (changes, omitted) = StateDiff.Between(Json(JsonSerializer.Serialize(before)), Json(JsonSerializer.Serialize(after)));

        Assert.InRange(changes!.Count, 1, StateDiff.MaxChanges);
        Assert.Equal(40, changes.Count + omitted);
        Assert.InRange(JsonSerializer.Serialize(changes).Length, 1, StateDiff.MaxSerializedChars);
        Assert.All(changes, c =>
        {
            Assert.InRange(c.Path.Length, 1, StateDiff.MaxPathLength);
            Assert.InRange(c.Before!.Length, 1, StateDiff.MaxValueLength);
            Assert.EndsWith("\u2026", c.After, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Between_ValueCutInsideASurrogatePair_NeverLeavesHalfAPair()
    {
        var value = new string('a', StateDiff.MaxValueLength - 2) + "😀😀";

        var (changes, _) = StateDiff.Between(Json("""{"v":"x"}"""), Json(JsonSerializer.Serialize(new { v = value })));

        var after = Assert.Single(changes!).After!;
        Assert.False(char.IsHighSurrogate(after[^2]), "a high surrogate before the ellipsis");
        Assert.True(after.Length <= StateDiff.MaxValueLength);
    }
}
