using System.Globalization;
using System.Text;
using NixDeploy.Server.Store;

namespace NixDeploy.Server.Api;

/// <summary><c>/metrics</c> in the Prometheus text format (0.0.4), counted from the store at each scrape.</summary>
public static class MetricsText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(StoreCounts counts)
    {
        var text = new StringBuilder();
        Metric(text, "nixdeploy_deployments_total", "counter", "Deployments received.", [("", counts.Deployments)]);
        Metric(text, "nixdeploy_deployments", "gauge", "Deployments by status.", Labelled("status", counts.DeploymentsByStatus));
        Metric(text, "nixdeploy_rollouts", "gauge", "Machine rollouts by result (queued, running, deployed, unchanged, rolled-back, failed, ...).", Labelled("result", counts.RolloutsByResult));
        Metric(text, "nixdeploy_machines", "gauge", "Machines by the result of their last rollout or rollback.", Labelled("state", counts.MachinesByState));
        text.Append("# HELP nixdeploy_rollout_duration_seconds How long machine rollouts took, from their first step to their end.\n");
        text.Append("# TYPE nixdeploy_rollout_duration_seconds summary\n");
        text.Append(CultureInfo.InvariantCulture, $"nixdeploy_rollout_duration_seconds_sum {counts.RolloutSecondsSum:0.###}\n");
        text.Append(CultureInfo.InvariantCulture, $"nixdeploy_rollout_duration_seconds_count {counts.RolloutCount}\n");
        return text.ToString();
    }

    private static IEnumerable<(string Labels, long Value)> Labelled(string label, IReadOnlyDictionary<string, long> values) =>
        values.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => ($"{{{label}=\"{Escape(pair.Key)}\"}}", pair.Value));

    private static void Metric(StringBuilder text, string name, string type, string help, IEnumerable<(string Labels, long Value)> samples)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} {type}\n");
        foreach (var (labels, value) in samples)
            text.Append(CultureInfo.InvariantCulture, $"{name}{labels} {value}\n");
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
