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
}
