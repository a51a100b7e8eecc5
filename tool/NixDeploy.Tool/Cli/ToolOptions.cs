using System.CommandLine;

namespace NixDeploy.Tool.Cli;

/// <summary>The options several commands share, made fresh for each command.</summary>
public static class ToolOptions
{
    public static Option<string?> Project() => new("--project")
    {
        Description = "The .nixdeploy project (or its folder); default: the single *.nixdeploy in the current folder",
        HelpName = "PATH",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print the result as JSON for scripts (no table, no progress lines)" };

    public static Option<string?> On() => new("--on")
    {
        Description = "Only these machines: name globs and @labels joined by + (or ,), e.g. web-*+@db",
        HelpName = "SELECTION",
    };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Only find out what would change; change nothing" };

    public static Option<bool> RetryFailed() => new("--retry-failed")
    {
        Description = "Deploy only the machines the last deploy report says failed, were unreachable, rolled back or skipped (NixDeployRetryFailed)",
    };

    public static Option<int?> Parallel() =>
        WholeNumber("--parallel", "How many machines at once (default: the project's NixDeployParallelism)", "N");

    public static Option<int?> ConfirmTimeout() =>
        WholeNumber("--confirm-timeout", "Seconds a host waits for the deploy's confirmation before it rolls back (NixDeployConfirmTimeout)", "SECONDS");

    public static Option<string?> OnFailure()
    {
        var option = new Option<string?>("--on-failure")
        {
            Description = "When a machine fails: continue with the others, or halt (start no further machine) (NixDeployOnFailure)",
            HelpName = "continue|halt",
        };
        option.AcceptOnlyFromAmong("continue", "halt");
        return option;
    }

    public static Option<string?> Waves() => new("--waves")
    {
        Description = "Deploy in waves, each only when the one before stayed within --max-failures: selections and shares of what is left " +
            "separated by /, e.g. @canary/10%/* (NixDeployWaves)",
        HelpName = "WAVES",
    };

    public static Option<string?> MaxFailures() => new("--max-failures")
    {
        Description = "How many machines of one wave may fail before no further wave starts: a count or a share of the wave, e.g. 1 or 10% (NixDeployMaxFailures)",
        HelpName = "N|N%",
    };

    public static Option<bool> RollbackWave() => new("--rollback-wave")
    {
        Description = "When a wave fails more machines than --max-failures allows, roll back its deployed machines too (NixDeployRollbackWave)",
    };

    public static Option<string?> Mode()
    {
        var option = new Option<string?>("--mode")
        {
            Description = "switch: activate and make it the boot default; test: activate only (a reboot returns to the old system); " +
                "boot: boot default only, runs after a reboot; dry-activate: say what activating would change (NixDeployDeployMode)",
            HelpName = "switch|boot|test|dry-activate",
        };
        option.AcceptOnlyFromAmong("switch", "boot", "test", "dry-activate");
        return option;
    }

    public static Option<bool> Verbose() => new("--verbose")
    {
        Description = "Also print what switch-to-configuration and the health checks printed on each machine (its log under bin/nixdeploy/logs)",
    };

    public static Option<string?> BuildOn()
    {
        var option = new Option<string?>("--build-on")
        {
            Description = "Where the closures are built: here, on each machine's own host, or on Nix's remote builders (NixDeployBuilders) (NixDeployBuildOn)",
            HelpName = "local|target|builders",
        };
        option.AcceptOnlyFromAmong("local", "target", "builders");
        return option;
    }

    public static Option<string?> BinaryLog() => new("--binlog")
    {
        Description = "Also write an MSBuild binary log of the build to PATH (secrets are never in it)",
        HelpName = "PATH",
    };

    public static Option<string?> Server() => new("--server")
    {
        Description = "Ask the control plane at URL (dotnet nixdeploy serve) instead of the hosts",
        HelpName = "URL",
    };

    public static Option<string?> TokenFile() => new("--token-file")
    {
        Description = "With --server: the file holding the bearer token (default: the project's NixDeployControlPlaneTokenFile)",
        HelpName = "PATH",
    };

    public static Option<string?> TokenEnvironmentVariable() => new("--token-env")
    {
        Description = "With --server: the NAME of the environment variable holding the bearer token (default: the project's NixDeployControlPlaneTokenVariable)",
        HelpName = "NAME",
    };

    private static Option<int?> WholeNumber(string name, string description, string helpName)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = helpName };
        // A parser, not a validator: "many" must become a usage error, and a validator would only see the failed conversion.
        option.CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 1)
                return count;
            result.AddError($"{name} must be a whole number of at least 1, not '{token}'.");
            return null;
        };
        return option;
    }
}
