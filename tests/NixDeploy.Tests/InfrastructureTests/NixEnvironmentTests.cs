using System.Text;
using CliWrap;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.InfrastructureTests;

public sealed class NixEnvironmentTests
{
    [Fact]
    public async Task Nix_runs_with_the_single_user_settings()
    {
        var nix = NixEnvironment.RequireNix();
        var output = new StringBuilder();

        var result = await Cli.Wrap(nix)
            .WithArguments(["show-config"])
            .WithEnvironmentVariables(environment =>
            {
                foreach (var (name, value) in NixEnvironment.Variables)
                {
                    environment.Set(name, value);
                }
            })
            .WithStandardOutputPipe(PipeTarget.ToStringBuilder(output))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(output))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();

        Assert.True(result.ExitCode == 0, output.ToString());
        var settings = output.ToString().Split('\n').Select(line => line.TrimEnd()).ToHashSet();
        var features = Assert.Single(settings, line => line.StartsWith("experimental-features =")).Split(' ');
        Assert.Contains("nix-command", features);
        Assert.Contains("flakes", features);
        Assert.Contains("sandbox = false", settings);
        Assert.Contains("substituters =", settings);
        Assert.Contains("build-users-group =", settings);
    }
}
