using NixDeploy.Blueprint;
using NixDeploy.Deploy;
using NixDeploy.Diagnostics;
using NixDeploy.Manifest;
using NixDeploy.Ssh;

namespace NixDeploy.Tests.Core;

/// <summary>NixDeployWaves and NixDeployMaxFailures as text: parsing, the machines each wave gets, the policy deployment.json records.</summary>
public sealed class WaveSpecTests
{
    private static readonly IReadOnlyDictionary<string, MachineSpec> Fleet = BlueprintParser.Parse("""
        { "canary-1": { "labels": ["canary"], "deployment": { "addr": "a" } },
          "web-1": { "labels": ["web"], "deployment": { "addr": "b" } },
          "web-2": { "labels": ["web"], "deployment": { "addr": "c" } },
          "web-3": { "labels": ["web"], "deployment": { "addr": "d" } },
          "db-1": { "labels": ["db"], "deployment": { "addr": "e" } } }
        """, null);

    private static readonly SettingLayers Project = SettingLayers.File("fleet.nixdeploy");

    [Theory]
    // Shares take their part of what is left, rounded up; a machine no wave names is in a last wave of its own.
    [InlineData("@canary/50%/*", "1 @canary: canary-1 | 2 50%: db-1,web-1 | 3 *: web-2,web-3")]
    [InlineData("@canary/10%", "1 @canary: canary-1 | 2 10%: db-1 | 3 *: web-1,web-2,web-3")]
    [InlineData("web-1+db-1/@web", "1 web-1+db-1: db-1,web-1 | 2 @web: web-2,web-3 | 3 *: canary-1")]
    [InlineData("web-1%2Cdb-1/100%", "1 web-1+db-1: db-1,web-1 | 2 100%: canary-1,web-2,web-3")]
    [InlineData(" @canary / * ", "1 @canary: canary-1 | 2 *: db-1,web-1,web-2,web-3")]
    [InlineData("", "1 *: canary-1,db-1,web-1,web-2,web-3")]
    // A wave that names machines of the fleet, none of them selected, is left out.
    [InlineData("@db/@canary", "2 @canary: canary-1 | 3 *: web-1,web-2,web-3", "canary-1,web-1,web-2,web-3")]
    public void Each_wave_gets_its_machines_in_order(string waves, string expected, string? selected = null)
    {
        var machines = (selected ?? string.Join(',', Fleet.Keys)).Split(',');
        // What MSBuild hands a task for -p:NixDeployWaves=web-1%2Cdb-1/100%.
        var text = waves.Replace("%2C", ",");

        var assigned = DeployWave.Assign(WaveSpec.ParseList(text, Project), machines, Fleet, Project);

        Assert.Equal(expected, string.Join(" | ", assigned.Select(wave => $"{wave.Number} {wave.Spec}: {string.Join(',', wave.Machines)}")));
    }

    [Theory]
    [InlineData("@canary//*", "wave 2 is empty")]
    [InlineData("@canary/", "wave 2 is empty")]
    [InlineData("0%/*", "1% to 100%")]
    [InlineData("150%", "1% to 100%")]
    [InlineData("10%+@web", "a share stands alone")]
    [InlineData("ten%", "a share stands alone")]
    [InlineData("web-1++web-2", "has an empty part")]
    [InlineData("*/@canary", "Make '*' the last wave")]
    public void A_bad_wave_list_is_ND5042_naming_the_property_and_the_file(string waves, string problem)
    {
        var failure = Assert.Throws<NixDeployException>(() => WaveSpec.ParseList(waves, Project));

        Assert.Equal(ErrorCodes.InvalidWaves, failure.Code);
        Assert.Contains($"NixDeployWaves '{waves}'", failure.Message);
        Assert.Contains(problem, failure.Message);
        Assert.Equal("fleet.nixdeploy", failure.Diagnostics[0].File);
    }

    [Fact]
    public void A_wave_naming_no_machine_of_the_fleet_is_ND5043_with_the_nearest_name()
    {
        var failure = Assert.Throws<NixDeployException>(() =>
            DeployWave.Assign(WaveSpec.ParseList("@canry/*", Project), Fleet.Keys.ToList(), Fleet, Project));

        Assert.Equal(ErrorCodes.WaveMatchesNothing, failure.Code);
        Assert.Contains("Wave 1 '@canry'", failure.Message);
        Assert.Contains("did you mean @canary?", failure.Message);
        Assert.Equal("fleet.nixdeploy", failure.Diagnostics[0].File);
    }

    [Theory]
    [InlineData("", 10, 0)]
    [InlineData("0", 10, 0)]
    [InlineData("2", 10, 2)]
    [InlineData("10%", 10, 1)]
    [InlineData("10%", 9, 0)]
    [InlineData("50%", 3, 1)]
    [InlineData("100%", 3, 3)]
    public void MaxFailures_is_a_count_or_a_share_of_the_wave_rounded_down(string text, int machines, int allowed) =>
        Assert.Equal(allowed, FailureBudget.Parse(text, Project).Allowed(machines));

    [Theory]
    [InlineData("lots")]
    [InlineData("-1")]
    [InlineData("101%")]
    [InlineData("1.5")]
    public void A_bad_MaxFailures_is_ND5044(string text)
    {
        var failure = Assert.Throws<NixDeployException>(() => FailureBudget.Parse(text, Project));

        Assert.Equal(ErrorCodes.InvalidMaxFailures, failure.Code);
        Assert.Contains($"NixDeployMaxFailures '{text}'", failure.Message);
    }

    [Fact]
    public void The_policy_records_the_waves_only_when_set_and_a_document_deploys_with_them()
    {
        DeploymentPolicy Policy(string? waves, string? maxFailures, string? rollbackWave) =>
            new DeploySettingsText(null, null, null, null, null, null, null, null, null, Waves: waves, MaxFailures: maxFailures, RollbackWave: rollbackWave)
                .ParsePolicy(Project);

        var plain = Policy(null, null, null);
        Assert.Equal(new DeploymentPolicy(DeploySettings.DefaultParallelism, "continue", DeploySettings.DefaultConfirmTimeoutSeconds, DeploySettings.DefaultActivationTimeoutSeconds), plain);
        var waves = Policy(" @canary / 10% /* ", "25%", "true");
        Assert.Equal(("@canary/10%/*", "25%", (bool?)true), (waves.Waves, waves.MaxFailures, waves.RollbackWave));

        var settings = DeploySettings.FromPolicy(waves, new SshOptions(null, null), "deployment.json");
        Assert.Equal(["@canary", "10%", "*"], settings.Waves.Select(wave => wave.Text));
        Assert.Equal(new FailureBudget(null, 25), settings.MaxFailures);
        Assert.True(settings.RollbackWave);
        Assert.Equal(waves, settings.Policy);
        var bad = Assert.Throws<NixDeployException>(() => DeploySettings.FromPolicy(waves with { Waves = "@canary//*" }, new SshOptions(null, null), "deployment.json"));
        Assert.Equal(ErrorCodes.InvalidWaves, bad.Code);
        Assert.Equal("deployment.json", bad.Diagnostics[0].File);
    }
}
