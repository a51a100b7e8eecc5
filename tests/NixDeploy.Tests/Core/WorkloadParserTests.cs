using System.Text.Json;
using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;
using NixDeploy.Workloads;

namespace NixDeploy.Tests.Core;

public sealed class WorkloadParserTests
{
    private static readonly IReadOnlyDictionary<string, MachineSpec> Fleet = BlueprintParser.Parse("""
        { "web-1": { "labels": ["web"], "deployment": { "addr": "127.0.0.1" } },
          "web-2": { "labels": ["web"], "deployment": { "addr": "127.0.0.2" } },
          "db-1": { "labels": ["db"], "deployment": { "addr": "127.0.0.3" } } }
        """, "flake.nix");

    private static SortedDictionary<string, EvaluatedWorkload> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return WorkloadParser.Parse(document.RootElement, Fleet, "/fleet/flake.nix");
    }

    private static IReadOnlyList<Diagnostic> Errors(string json) =>
        Assert.Throws<NixDeployException>(() => Parse(json)).Diagnostics;

    [Fact]
    public void The_issues_example_parses_and_its_targets_resolve_through_the_selection_syntax()
    {
        var workloads = Parse("""
            { "myapp": { "source": { "build": { "flake": ".#myapp-image" } },
                         "runtime": { "podman": { "port": 3000, "env": { "NODE_ENV": "production" } } },
                         "targets": [ "@web", "db-*" ],
                         "healthCheck": { "path": "/health", "port": 3000, "interval": 5, "timeout": 30 } } }
            """);

        var myapp = workloads["myapp"];
        Assert.Equal(["db-1", "web-1", "web-2"], myapp.Machines);
        Assert.Equal(new WorkloadSource("build", Flake: ".#myapp-image"), myapp.Spec.Source);
        Assert.Equal(("podman", 3000, "production"), (myapp.Spec.Runtime.Kind, myapp.Spec.Runtime.Port!.Value, myapp.Spec.Runtime.Env["NODE_ENV"]));
        Assert.Equal(new WorkloadHealthCheck("/health", 3000, 5, 30), myapp.Spec.HealthCheck);
    }

    [Fact]
    public void A_command_build_parses_and_a_malformed_one_is_refused_field_by_field_with_ND1430()
    {
        var build = Parse("""
            { "a": { "source": { "build": { "repo": "/srv/app.git", "ref": "v1.2", "command": [ "make", "image.tar" ], "output": "out/image.tar" } }, "runtime": { "podman": { } }, "targets": [ "web-1" ] } }
            """)["a"].Spec.Source.Command!;
        Assert.Equal(("/srv/app.git", "v1.2", "make image.tar", "out/image.tar"), (build.Repo, build.Ref, string.Join(' ', build.Command), build.Output));

        var errors = Errors("""
            { "both": { "source": { "build": { "flake": ".#x", "repo": "/srv/app.git" } }, "runtime": { "podman": { } }, "targets": [ "web-1" ] },
              "lacks": { "source": { "build": { "repo": "/srv/app.git", "ref": "main" } }, "runtime": { "podman": { } }, "targets": [ "web-1" ] },
              "bad": { "source": { "build": { "repo": "app.git", "ref": "-x", "command": [ ], "output": "../escape.tar" } }, "runtime": { "podman": { } }, "targets": [ "web-1" ] } }
            """);

        Assert.All(errors, e => Assert.Equal("ND1430", e.Code));
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.Message.Contains("lacks command, output", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("bad.source.build.output", StringComparison.Ordinal));
    }

    [Fact]
    public void A_fetch_without_sha256_and_a_registry_image_without_digest_are_refused()
    {
        var errors = Errors("""
            { "a": { "source": { "fetch": { "url": "http://example.org/a.tar" } }, "runtime": { "podman": { } }, "targets": [ "web-1" ] },
              "b": { "source": { "registry": "docker.io/library/nginx:1.25" }, "runtime": { "docker": { } }, "targets": [ "web-1" ] } }
            """);

        Assert.Equal(["ND1406", "ND1407"], errors.Select(e => e.Code).Order());
        Assert.All(errors, e => Assert.Equal("/fleet/flake.nix", e.File));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_the_workloads_own_codes()
    {
        var errors = Errors("""
            { "bad name": { },
              "c": { "source": { "build": { "flake": "github:x/y#z" }, "fetch": { } }, "runtime": { "podman": { }, "systemd": { } }, "targets": [ "@nope" ] },
              "d": { "source": { "fetch": { "url": "http://x/y", "sha256": "abc" } }, "runtime": { "systemd": { "port": 99999 } }, "targets": [ "web-1" ], "extra": 1,
                     "healthCheck": { "path": "health", "port": 80 } } }
            """);

        Assert.Equal(["ND1402", "ND1403", "ND1404", "ND1405", "ND1406", "ND1408", "ND1409", "ND1410", "ND1410"], errors.Select(e => e.Code).Order());
        Assert.Contains(errors, e => e.Code == "ND1409" && e.Message.StartsWith("c.targets: '@nope'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_registry_image_cannot_run_under_systemd_and_values_with_line_breaks_are_refused()
    {
        var errors = Errors("""
            { "r": { "source": { "registry": "localhost/app@sha256:0000000000000000000000000000000000000000000000000000000000000000" },
                     "runtime": { "systemd": { "command": [ "bin/app" ] } }, "targets": [ "web-1" ] },
              "e": { "source": { "build": { "flake": ".#app" } }, "runtime": { "podman": { "env": { "A": "x\ny" } } }, "targets": [ "web-1" ] } }
            """);

        Assert.Equal(["ND1408", "ND1410"], errors.Select(e => e.Code).Order());
    }
}
