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
        Description = "Only these machines: comma-separated name globs and @labels, e.g. web-*,@db",
        HelpName = "SELECTION",
    };

    public static Option<bool> DryRun() => new("--dry-run") { Description = "Only find out what would change; change nothing" };

    public static Option<int?> Parallel()
    {
        var option = new Option<int?>("--parallel") { Description = "How many machines at once (default: the project's NixDeployParallelism)", HelpName = "N" };
        // A parser, not a validator: "many" must become a usage error, and a validator would only see the failed conversion.
        option.CustomParser = result =>
        {
            var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (int.TryParse(token, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count >= 1)
                return count;
            result.AddError($"--parallel must be a whole number of at least 1, not '{token}'.");
            return null;
        };
        return option;
    }
}
