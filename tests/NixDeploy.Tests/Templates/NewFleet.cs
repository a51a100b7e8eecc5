using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Templates;

/// <summary>
/// `dotnet new nixfleet` as the quickstart does it here: the SDK from the local feed, nixpkgs from the stand-in, and
/// a git-ignored fleet.nixdeploy.user layer holding the test's own properties and items; committed to git.
/// </summary>
public static class NewFleet
{
    /// <summary>Scaffolds into <paramref name="fleet"/>; <paramref name="userLayer"/> is the inside of the .user layer's Project element.</summary>
    public static async Task CreateAsync(string fleet, string userLayer, params string[] templateArguments)
    {
        var created = await TemplateHive.NewAsync(fleet, ["nixfleet", "-n", "fleet", .. templateArguments]);
        Assert.True(created.ExitCode == 0, created.StandardOutput + created.StandardError);
        File.WriteAllText(Path.Combine(fleet, "NuGet.config"),
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{SdkFeed.Current.Directory}\" /></packageSources></configuration>");
        File.WriteAllText(Path.Combine(fleet, "fleet.nixdeploy.user"), $"""
            <Project>
              <ItemGroup>
                <NixDeployOverrideInput Include="nixpkgs" Url="path:{Path.Combine(RepositoryRoot.Path, "samples", "nixos-standin")}" />
              </ItemGroup>
            {userLayer}
            </Project>
            """);
        await GitRepository.CommitAllAsync(fleet, "dotnet new nixfleet");
    }

    /// <summary>`dotnet new nixmachine -n NAME --addr ADDR` in the fleet; committed unless <paramref name="commit"/> is false.</summary>
    public static async Task AddMachineAsync(string fleet, string name, string addr, bool commit = true)
    {
        var added = await TemplateHive.NewAsync(fleet, "nixmachine", "-n", name, "--addr", addr);
        Assert.True(added.ExitCode == 0, added.StandardOutput + added.StandardError);
        if (commit)
            await GitRepository.CommitAllAsync(fleet, $"dotnet new nixmachine -n {name}");
    }

    /// <summary>Replaces one machine's line in machines.nix and commits it.</summary>
    public static async Task EditMachineAsync(string fleet, string machine, string entry)
    {
        var path = Path.Combine(fleet, "machines.nix");
        var before = File.ReadAllText(path);
        var line = $"\"{machine}\" = {{ profile = defaultProfile; }};";
        Assert.Contains(line, before);
        File.WriteAllText(path, before.Replace(line, $"\"{machine}\" = {entry};"));
        await GitRepository.CommitAllAsync(fleet, $"edit {machine}");
    }

    /// <summary>Builds the fleet (keeping going, so a failure says what Nix said); every machine's closure by name.</summary>
    public static async Task<Dictionary<string, string>> BuildClosuresAsync(string folder, string fleet)
    {
        var result = await new DotnetBuild(Path.Combine(fleet, "fleet.nixdeploy"), Path.Combine(folder, "logs")).WithProperty("NixDeployKeepGoing", "true").BuildAsync();
        result.AssertSucceeded();
        return Spine.Manifests.Closures(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(fleet, "bin", "nixdeploy", "deployment.json")))!.AsObject());
    }
}
