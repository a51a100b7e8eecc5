using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Tests.Core;

public sealed class MachineSelectorTests
{
    private static readonly IReadOnlyDictionary<string, MachineSpec> Fleet = BlueprintParser.Parse("""
        { "web-1": { "labels": ["web", "eu"], "deployment": { "addr": "a" } },
          "web-2": { "labels": ["web", "us"], "deployment": { "addr": "b" } },
          "db-1": { "labels": ["db", "eu"], "deployment": { "addr": "c" } } }
        """, null);

    [Theory]
    [InlineData("", "db-1,web-1,web-2")]
    [InlineData("web-*", "web-1,web-2")]
    [InlineData("@eu", "db-1,web-1")]
    [InlineData("web-?, @db", "db-1,web-1,web-2")]
    [InlineData("@e*", "db-1,web-1")]
    [InlineData("web-2+@db", "db-1,web-2")]
    [InlineData("web-1+web-2,@db", "db-1,web-1,web-2")]
    public void Names_globs_and_labels_select_machines(string selection, string expected) =>
        Assert.Equal(expected.Split(','), MachineSelector.Select(Fleet, selection, null));

    [Fact]
    public void A_selection_matching_nothing_fails_with_the_fleets_names_and_labels()
    {
        var failure = Assert.Throws<NixDeployException>(() => MachineSelector.Select(Fleet, "mail-*", null));
        Assert.Equal(ErrorCodes.SelectionMatchesNothing, failure.Code);
        Assert.Contains("web-1", failure.Message);
        Assert.Contains("eu", failure.Message);
    }

    [Theory]
    [InlineData("web-1,dbb-1", "'dbb-1'", "did you mean db-1?")]
    [InlineData("@web,@dbb", "'@dbb'", "did you mean @db?")]
    [InlineData("web-*,mail-*", "'mail-*'", "matches no machine. Machines")]
    public void Every_part_of_a_selection_must_match_a_machine_and_a_near_miss_is_suggested(string selection, string part, string hint)
    {
        var failure = Assert.Throws<NixDeployException>(() => MachineSelector.Select(Fleet, selection, "fleet.nixdeploy"));
        var diagnostic = Assert.Single(failure.Diagnostics);
        Assert.Equal(ErrorCodes.SelectionMatchesNothing, diagnostic.Code);
        Assert.Equal("fleet.nixdeploy", diagnostic.File);
        Assert.StartsWith($"{part} in the selection '{selection}' matches no machine", diagnostic.Message);
        Assert.Contains(hint, diagnostic.Message);
    }
}
