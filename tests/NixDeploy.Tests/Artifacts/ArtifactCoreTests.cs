using System.Text.Json;
using NixDeploy.Artifacts.Services;
using NixDeploy.Artifacts;
using NixDeploy.Artifacts.Backends;
using NixDeploy.Artifacts.Prompts;
using NixDeploy.Diagnostics;
using NixDeploy.Nix;
using NixDeploy.Processes;

namespace NixDeploy.Tests.Artifacts;

/// <summary>The artifact core without MSBuild: parsing defaults, selection, prompt sources, the queue with the tool's kind of prompt source, and check.</summary>
public sealed class ArtifactCoreTests
{
    private static readonly string[] Machines = ["web-1", "web-2"];

    private static ArtifactStore Parse(string json) =>
        ArtifactStoreParser.Parse(JsonDocument.Parse(json).RootElement, Machines, "artifacts", "/src/flake.nix");

    private static string Script(string text) => JsonSerializer.Serialize(new { text, needs = Array.Empty<string>() });

    [Fact]
    public void Declarations_get_their_defaults_and_a_shared_artifact_is_one_artifact_for_all_its_machines()
    {
        var token = $$"""{ "shared": true, "file": { "t": {} }, "generator": {{Script("echo t > $out/t")}} }""";
        var store = Parse($$"""
            {
              "store": {
                "web-1": { "token": {{token}}, "ssh": { "file": { "key": {}, "pub": { "secret": false, "mode": "444" } }, "prompt": { "p": {} }, "generator": {{Script("true")}} } },
                "web-2": { "token": {{token}} }
              },
              "backend": { "vault": { "serialize": {{Script("true")}}, "deserialize": {{Script("exit 1")}} } },
              "config": {
                "serialize": { "default": "vault" }, "deserialize": { "default": "vault" },
                "age": { "hosts": { "web-1": { "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb1" }, "web-2": { "publicKey": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIWeb2" } } }
              }
            }
            """);

        Assert.Equal(["shared/token", "web-1/ssh"], store.Artifacts.Select(a => a.Key.ToString()));
        var shared = store.Artifacts[0];
        Assert.Equal(["web-1", "web-2"], shared.Machines);
        Assert.Equal("/run/nixdeploy/artifacts/shared/token/t", shared.Files["t"].Path);
        var ssh = store.Artifacts[1];
        Assert.Equal(new FileDeclaration("key", "/run/nixdeploy/artifacts/per-machine/web-1/ssh/key", true, "root", "root", "0400"), ssh.Files["key"]);
        Assert.Equal("0444", ssh.Files["pub"].Mode);
        Assert.Equal(new PromptDeclaration("p", "p", PromptType.Line), ssh.Prompts["p"]);
        Assert.Equal("vault", ssh.SerializeBackend);
        Assert.True(store.NeedsQueueEveryBuild);
        Assert.Single(store.UsedBy(["web-2"]));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_its_code_and_the_flake()
    {
        var error = Assert.Throws<NixDeployException>(() => Parse($$"""
            { "store": { "web-1": {
              "a": { "file": { "f": { "path": "rel", "mode": "8" } }, "generator": {{Script("true")}} },
              "b": { "file": { "g": {} }, "generator": {{Script("true")}} } } } }
            """));

        Assert.Equal(["ND6003", "ND6004", "ND6006"], error.Diagnostics.Select(d => d.Code).Order());
        Assert.All(error.Diagnostics, d => Assert.Equal("/src/flake.nix", d.File));
    }

    [Theory]
    [InlineData("", "web-1/ssh", false)]
    [InlineData("true", "web-1/ssh", true)]
    [InlineData("*", "shared/token", true)]
    [InlineData("ssh", "web-2/ssh", true)]
    [InlineData("web-1/ssh", "web-2/ssh", false)]
    [InlineData("shared/token,web-2/ssh", "shared/token", true)]
    public void Regeneration_selects_by_artifact_machine_or_shared(string selection, string key, bool included)
    {
        var parts = key.Split('/');
        Assert.Equal(included, ArtifactSelection.Parse(selection, null).Includes(new ArtifactKey(parts[0] == "shared" ? null : parts[0], parts[1])));
    }

    [Fact]
    public async Task Configured_prompt_answers_come_from_the_named_environment_variable_or_file_and_nothing_else()
    {
        var name = $"NIXDEPLOY_TEST_{Guid.NewGuid():N}";
        var key = new ArtifactKey("web-1", "db");
        var prompt = new PromptDeclaration("password", "password", PromptType.Hidden);
        var source = new ConfiguredPromptSource([new PromptAnswerSource("web-1/db/password", null, name)], null);

        var missing = await Assert.ThrowsAsync<NixDeployException>(() => source.AnswerAsync(key, prompt, default));
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            Assert.Equal("ND6007", missing.Code);
            Assert.Contains(name, missing.Message);
            Assert.Equal("from-env", await source.AnswerAsync(key, prompt, default));
            Assert.Null(await source.AnswerAsync(new ArtifactKey("web-2", "db"), prompt, default));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Fact]
    public async Task The_queue_takes_answers_from_any_prompt_source_and_check_reports_missing_stored_and_stale()
    {
        var root = Infrastructure.TestRunDirectory.CreateFolder("core-queue");
        var keys = await ArtifactKeys.CreateAsync(Machines);
        var store = Parse($$"""
            {
              "store": { "web-1": { "db": { "prompt": { "password": { "type": "hidden" } }, "file": { "password": {} }, "generator": {{Script("cat $prompt/password > $out/password")}} } } },
              "config": { "age": { "admins": [ "{{keys.AdminRecipient}}" ], "hosts": { "web-1": { "publicKey": "{{keys.HostPublicKeys["web-1"]}}" } } } }
            }
            """);
        var runner = new ProcessRunner(NullCommandLog.Instance);
        var services = new ArtifactServices(store, root, runner, new NixCli(runner, NixOptions.Default), "age");

        Assert.Equal(ArtifactState.Missing, Assert.Single(await services.Inspector().InspectAsync(store, ["web-1"], default)).State);
        var result = await services.Queue(new AnsweringPromptSource("typed at a terminal")).RunAsync(store, ["web-1"], ArtifactSelection.None, default);

        var stored = Path.Combine(root, "per-machine", "web-1", "db", "password");
        Assert.Equal("typed at a terminal", await ArtifactKeys.DecryptAsync(keys.HostIdentityFile("web-1"), stored));
        Assert.Equal(ArtifactOutcome.Generated, Assert.Single(result.Machines["web-1"]).Outcome);
        Assert.Equal(ArtifactState.Stored, Assert.Single(await services.Inspector().InspectAsync(store, ["web-1"], default)).State);

        // A host key rotated since: the stored secret is encrypted to the old one.
        var rotated = await ArtifactKeys.CreateAsync("web-1");
        var rotatedStore = store with { Config = store.Config with { Age = store.Config.Age with { Hosts = new Dictionary<string, HostKey> { ["web-1"] = new(rotated.HostPublicKeys["web-1"], HostKey.DefaultIdentityFile) } } } };
        var stale = Assert.Single(await new ArtifactServices(rotatedStore, root, runner, new NixCli(runner, NixOptions.Default), "age").Inspector().InspectAsync(rotatedStore, ["web-1"], default));
        Assert.Equal(ArtifactState.Stale, stale.State);
        Assert.Contains("recipients", stale.Detail);
    }

    // What the tool's terminal does, minus the terminal: answers every prompt.
    private sealed class AnsweringPromptSource(string answer) : IPromptSource
    {
        public Task<string?> AnswerAsync(ArtifactKey artifact, PromptDeclaration prompt, CancellationToken cancellationToken) => Task.FromResult<string?>(answer);

        public string HowToAnswer(ArtifactKey artifact, PromptDeclaration prompt) => "type it";
    }
}
