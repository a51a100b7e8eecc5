using NixDeploy.Tests.Spine;

namespace NixDeploy.Tests.Artifacts;

/// <summary>Bad artifact declarations and generators: a coded error naming the flake, no stack trace, nothing stored or written.</summary>
public sealed class ArtifactBadInputTests
{
    public sealed record Case(string Name, string Code, string Store, string? MessagePart = null, string? Admins = null)
    {
        public override string ToString() => Name;
    }

    // web-1's artifact "a" with the given attributes.
    private static string A(string attributes) => "{ web-1.a = { " + attributes + " }; }";

    private const string Generator = """generator = "echo x > $out/f";""";
    private const string File = "file.f.secret = true;";

    public static TheoryData<Case> Cases() =>
    [
        new("relative target path", "ND6003", A("""file.f.path = "etc/secret"; """ + Generator), "etc/secret"),
        new("target path in the nix store", "ND6003", A("""file.f.path = "/nix/store/secret"; """ + Generator), "Nix store"),
        new("target path with ..", "ND6003", A("""file.f.path = "/run/../etc/shadow"; """ + Generator)),
        new("two files on one path", "ND6003",
            """{ web-1.a = { file.f.path = "/run/s"; generator = "true"; }; web-1.b = { file.g.path = "/run/s"; generator = "true"; }; }""", "/run/s"),
        new("mode that is not octal", "ND6004", A("""file.f.mode = "0999"; """ + Generator), "0999"),
        new("owner a shell would interpret", "ND6004", A("""file.f.owner = "root;reboot"; """ + Generator)),
        new("unsafe artifact name", "ND6002", """{ web-1."../escape" = { file.f.secret = true; generator = "true"; }; }"""),
        new("unsafe file name", "ND6002", A("""file."a/b".secret = true; """ + Generator)),
        new("unknown backend", "ND6005", A(File + """ serialize = "vault"; """ + Generator), "vault"),
        new("no files", "ND6001", A(Generator)),
        new("no generator", "ND6001", A(File)),
        new("misspelt option", "ND6001", A("files.f.secret = true; " + Generator), "did you mean file?"),
        new("prompt of an unknown type", "ND6001", A(File + """ prompt.p.type = "secret"; """ + Generator)),
        new("machine not in the blueprint", "ND6001", """{ mail-1.a = { file.f.secret = true; generator = "true"; }; }""", "mail-1"),
        new("shared artifact declared differently", "ND6012",
            """{ web-1.t = { shared = true; file.f.secret = true; generator = "echo 1 > $out/f"; }; web-2.t = { shared = true; file.f.secret = true; generator = "echo 2 > $out/f"; }; }"""),
        new("admin key that is not a key", "ND6006", A(File + " " + Generator), "not-a-key", Admins: """[ "not-a-key" ]"""),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_bad_declaration_is_a_coded_error_naming_the_flake_before_anything_runs(Case @case)
    {
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("baddecl", keys, @case.Store, admins: @case.Admins).CreateAsync();

        var result = await ArtifactFleet.Build(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        // Every problem is reported at once, so a case may bring a second error along (a misspelt "file" is also a missing one).
        var error = Assert.Single(result.Errors.DistinctBy(e => (e.Code, e.Message)),
            e => e.Code == @case.Code && (@case.MessagePart is null || e.Message.Contains(@case.MessagePart)));
        // At the line of the value at fault, in the file that declares it.
        Assert.Equal(project.PathOf("artifacts.nix"), error.File);
        Assert.True(error.Line > 0, error.ToString());
        Assert.Contains("artifacts.", error.Message);
        Assert.Empty(ArtifactFleet.Runs(project));
        Assert.False(Directory.Exists(project.PathOf("artifacts")));
        Assert.False(System.IO.File.Exists(Manifests.PathIn(project)));
    }

    [Theory]
    [InlineData("undeclared file", "echo 1 > $out/key; echo 2 > $out/extra", "ND6009", "$out/extra")]
    [InlineData("missing file", "echo 1 > $out/key", "ND6009", "$out/pub")]
    [InlineData("symlink instead of a file", "echo 1 > $out/key; ln -s /etc/shadow $out/pub", "ND6009", "not a regular file")]
    [InlineData("failing generator", "echo broken on purpose >&2; exit 3", "ND6008", "broken on purpose")]
    public async Task A_generator_that_fails_or_writes_other_files_than_declared_names_the_flake_and_nothing_is_stored(string name, string generator, string code, string expected)
    {
        _ = name;
        var keys = await ArtifactKeys.CreateAsync(ArtifactFleet.Machines);
        using var project = await ArtifactFleet.Project("badgen", keys, """
            {
              web-1.ok = { file.ok.secret = true; generator = "echo ok > $out/ok"; };
              web-2.pair = { file.key.secret = true; file.pub.secret = false; generator = "GENERATOR"; };
            }
            """.Replace("GENERATOR", generator)).CreateAsync();

        var result = await ArtifactFleet.Build(project).BuildAsync();

        result.AssertFailed();
        result.AssertNoStackTrace();
        // MSBuild prints each line of a message (the generator's stderr) as an error of its own.
        Assert.Single(result.Errors, e => e.Code == code && e.Message.Contains("web-2/pair"));
        Assert.Contains(expected, result.StandardOutput);
        Assert.All(result.Errors, e => Assert.EndsWith("flake.nix", e.File));
        Assert.False(Directory.Exists(project.PathOf("artifacts/per-machine/web-2")), "a file of the failed artifact was stored");
        Assert.False(System.IO.File.Exists(Manifests.PathIn(project)));
    }
}
