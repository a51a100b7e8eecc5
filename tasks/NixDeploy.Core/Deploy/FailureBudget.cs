using System.Globalization;
using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// NixDeployMaxFailures: how many machines of one wave may fail before no further wave starts, as a count (<c>2</c>)
/// or a share of the wave's machines (<c>10%</c>, rounded down). Failed, unreachable and rolled-back machines count;
/// skipped ones never ran and do not.
/// </summary>
public sealed partial record FailureBudget(int? Count, int? Percent)
{
    public static FailureBudget None { get; } = new(0, null);

    [GeneratedRegex(@"\A(?<number>[0-9]{1,9})(?<percent>%)?\z")]
    private static partial Regex Pattern();

    public string Text => Percent is { } percent ? $"{percent}%" : Count!.Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The failures a wave of <paramref name="machines"/> may have and still let the next wave start.</summary>
    public int Allowed(int machines) => Count ?? machines * Percent!.Value / 100;

    /// <summary>Why no wave starts after <paramref name="wave"/> with <paramref name="failures"/> failed machines; null when it is within the budget.</summary>
    public string? Exceeded(DeployWave wave, int failures) => failures <= Allowed(wave.Machines.Count) ? null
        : $"wave {wave.Number} ({wave.Spec}) had {failures} failed machine(s), more than NixDeployMaxFailures={Text} allows ({Allowed(wave.Machines.Count)} of its {wave.Machines.Count})";

    /// <summary>The budget of a NixDeployMaxFailures value; empty is the default (no failure).</summary>
    public static FailureBudget Parse(string? text, SettingLayers layers)
    {
        if (string.IsNullOrWhiteSpace(text))
            return DeploySettings.DefaultMaxFailures;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
            throw Refuse(layers, text, "it is neither a count of machines (2) nor a share of the wave's machines (10%)");
        var number = int.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture);
        if (!match.Groups["percent"].Success)
            return new FailureBudget(number, null);
        return number <= 100 ? new FailureBudget(null, number) : throw Refuse(layers, text, "a share is 0% to 100% of the wave's machines");
    }

    private static NixDeployException Refuse(SettingLayers layers, string text, string problem) =>
        layers.Refuse(ErrorCodes.InvalidMaxFailures, "NixDeployMaxFailures",
            $"NixDeployMaxFailures '{text}': {problem}. It is how many machines of one wave may fail before no further wave starts.");
}
