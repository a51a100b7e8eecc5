using NixDeploy.Tests.Fleets;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Spine;

/// <summary>Every kind of bad input: its own NDxxxx code, the file to fix, no stack trace, and no manifest written.</summary>
public sealed class BadInputTests
{
    public sealed record Case(string Name, string Code, string FileToFix, string? Blueprint = null, string? Property = null, string? PropertyValue = null,
        string? OverrideAddr = null, string? MessagePart = null)
    {
        public override string ToString() => Name;
    }

    private const string Flake = "flake.nix";
    // Where the test fleet's blueprint values are defined: errors point there (line and column), not at flake.nix.
    private const string BlueprintFile = "blueprint.nix";
    private const string Project = "bad.nixdeploy";
    private const string Previous = "previous.json";
    private const string FakeNix = "fake-nix";

    // Blueprint functions of { machines }; the fleet has web-1 and db-1.
    private static string Deployed(string deployment) =>
        $$"""{ machines }: builtins.mapAttrs (name: m: { role = "web"; deployment = { inherit (m) addr; sshPort = m.port; } // (if name == "web-1" then { {{deployment}} } else { }); }) machines""";

    public static TheoryData<Case> Cases() =>
    [
        new("malformed blueprint JSON", "ND1102", Flake, Blueprint: """{ machines }: "{ \"web-1\": { " """),
        new("missing deployment", "ND1103", Flake, Blueprint: """{ machines }: builtins.mapAttrs (name: m: { role = "web"; }) machines"""),
        new("missing addr", "ND1103", BlueprintFile, Blueprint: """{ machines }: builtins.mapAttrs (name: m: { role = "web"; deployment = { sshPort = 22; }; }) machines"""),
        new("wrong type", "ND1104", BlueprintFile, Blueprint: Deployed("""sshPort = "22";""")),
        new("unknown backend", "ND1105", BlueprintFile, Blueprint: Deployed("""backend = "qemu";""")),
        new("unknown deployment mode", "ND1160", BlueprintFile, Blueprint: Deployed("""mode = "pul";"""), MessagePart: "use one of push, pull"),
        new("machine without configuration", "ND1106", Flake,
            Blueprint: """{ machines }: builtins.mapAttrs (name: m: { deployment = { inherit (m) addr; }; }) (machines // { mail-1 = { addr = "127.0.0.20"; }; })"""),
        new("configuration without machine", "ND1107", Flake,
            Blueprint: """{ machines }: builtins.mapAttrs (name: m: { deployment = { inherit (m) addr; }; }) (builtins.removeAttrs machines [ "db-1" ])"""),
        new("machine name a shell would interpret", "ND1108", BlueprintFile,
            Blueprint: """{ machines }: { "web-1;reboot" = { deployment.addr = "127.0.0.11"; }; }"""),
        new("address a shell would interpret", "ND1109", BlueprintFile, Blueprint: Deployed("""addr = "127.0.0.11$(reboot)";""")),
        new("user ssh would take as an option", "ND1110", BlueprintFile, Blueprint: Deployed("""sshUser = "-oProxyCommand=reboot";""")),
        new("flake that fails to evaluate", "ND1101", Flake, Blueprint: """{ machines }: throw "the blueprint is broken on purpose" """,
            MessagePart: "the blueprint is broken on purpose"),
        new("missing flake folder", "ND1101", "/nonexistent-fleet/flake.nix", Property: "NixDeployFlake", PropertyValue: "/nonexistent-fleet",
            MessagePart: "does not exist"),
        new("address with a trailing newline", "ND1109", BlueprintFile, Blueprint: Deployed("""addr = "127.0.0.61\n";""")),
        new("address with a zone a shell would interpret", "ND1109", BlueprintFile, Blueprint: Deployed("""addr = "::1%x y;id";""")),
        new("address in brackets with a port", "ND1109", BlueprintFile, Blueprint: Deployed("""addr = "[::1]:22";""")),
        new("user with a trailing newline", "ND1110", BlueprintFile, Blueprint: Deployed("""sshUser = "root\n";""")),
        new("unknown privilege escalation", "ND1170", BlueprintFile, Blueprint: Deployed("""sshUser = "deploy"; privilegeEscalation = "su";"""),
            MessagePart: "use one of none, sudo, doas"),
        new("machine name with a trailing newline", "ND1108", BlueprintFile, Blueprint: """{ machines }: { "m1\n" = { deployment.addr = "127.0.0.11"; }; }"""),
        new("override address with a command in its zone", "ND1109", Project, OverrideAddr: "::1%`id`"),
        new("misspelt machine field", "ND1120", BlueprintFile,
            Blueprint: """{ machines }: builtins.mapAttrs (name: m: { deploymnet = { inherit (m) addr; }; }) machines""", MessagePart: "did you mean deployment?"),
        new("misspelt deployment field", "ND1120", BlueprintFile, Blueprint: Deployed("""autoRolback = false;"""), MessagePart: "did you mean autoRollback?"),
        new("misspelt health checks", "ND1120", BlueprintFile, Blueprint: Deployed("""healtChecks = [ ];"""), MessagePart: "did you mean healthChecks?"),
        new("machine twice in a JSON string", "ND1121", Flake,
            Blueprint: """{ machines }: "{ \"web-1\": { \"deployment\": { \"addr\": \"127.0.0.11\" } }, \"web-1\": { \"deployment\": { \"addr\": \"127.0.0.12\" } } }" """,
            MessagePart: "'web-1'"),
        new("selection that matches nothing", "ND1112", Project, Property: "NixDeployOn", PropertyValue: "mail-*"),
        new("nix missing", "ND1001", "", Property: "NixDeployNixExecutable", PropertyValue: "/nonexistent/bin/nix"),
        new("nix too old", "ND1002", "", Property: "NixDeployNixExecutable", PropertyValue: FakeNix),
        new("previous manifest corrupt", "ND1301", Previous, Property: "NixDeployPreviousManifest", PropertyValue: Previous),
        new("previous manifest of an unknown schema", "ND1302", Previous, Property: "NixDeployPreviousManifest", PropertyValue: Previous),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Bad_input_is_a_coded_error_naming_the_file_with_no_stack_trace_and_no_manifest(Case @case)
    {
        var fleet = new TestFleet()
            .Machine("web-1", "127.0.0.11", 2222, "web")
            .Machine("db-1", "127.0.0.12", 2222, "db");
        if (@case.Blueprint is not null)
            fleet.Blueprint(@case.Blueprint);
        using var project = await fleet.Project("bad", p =>
        {
            if (@case.OverrideAddr is not null)
                p.Item("NixDeployMachineOverride", "web-1", new Dictionary<string, string> { ["Addr"] = @case.OverrideAddr });
        }).CreateAsync();
        var build = project.Dotnet();
        if (@case.Property is not null)
            build.WithProperty(@case.Property, ResolveValue(project, @case));

        var result = await build.BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors.DistinctBy(e => (e.Code, e.File)), e => e.Code == @case.Code);
        if (@case.FileToFix.Length > 0)
            Assert.EndsWith(@case.FileToFix, error.File);
        Assert.False(File.Exists(Manifests.PathIn(project)), "a manifest was written from bad input");
        if (@case.MessagePart is not null)
            Assert.Contains(@case.MessagePart, result.StandardOutput);
    }

    [Fact]
    public async Task An_unforeseen_failure_is_ND9001_in_one_line_naming_the_project_not_the_sdk()
    {
        using var project = await new TestFleet().Machine("web-1", "127.0.0.11", 2222, "web").Project("bug").CreateAsync();
        // A folder where EvaluateBlueprint writes its result: a failure no check of the SDK foresees.
        Directory.CreateDirectory(project.PathOf("obj/nixdeploy/evaluation.json"));

        var result = await project.Dotnet().BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        var error = Assert.Single(result.Errors, e => e.Code == "ND9001");
        Assert.EndsWith("bug.nixdeploy", error.File);
    }

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private static string ResolveValue(TestProject project, Case @case)
    {
        switch (@case.PropertyValue)
        {
            case Previous:
                File.WriteAllText(project.PathOf(Previous), @case.Code == "ND1301" ? """{ "schemaVersion": 1, "closures": """ : """{ "schemaVersion": 99, "closures": {} }""");
                return project.PathOf(Previous);
            case FakeNix:
                // An old Nix, as far as the version check can tell: it only answers --version.
                File.WriteAllText(project.PathOf(FakeNix), "#!/bin/sh\necho 'nix (Nix) 2.3.16'\n");
                File.SetUnixFileMode(project.PathOf(FakeNix), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return project.PathOf(FakeNix);
            default:
                return @case.PropertyValue!;
        }
    }
}
