using System.Globalization;
using System.Text.RegularExpressions;
using NixDeploy.Diagnostics;

namespace NixDeploy.Deploy;

/// <summary>
/// One group of NixDeployWaves: a selection (name globs and <c>@label</c>s joined by <c>+</c>, as NixDeployOn; <c>*</c>
/// is every machine left) or a share of the machines left (<c>10%</c>, at least one).
/// </summary>
/// <param name="Text">The wave as written, in the list's canonical spelling.</param>
/// <param name="Percent">For a share: its percentage (1 to 100); null for a selection.</param>
public sealed partial record WaveSpec(string Text, int? Percent)
{
    /// <summary>Between waves. Neither bash nor MSBuild gives <c>/</c> a meaning, and no machine name or label glob holds it.</summary>
    public const char Separator = '/';

    /// <summary>Every machine that is left.</summary>
    public static WaveSpec Rest { get; } = new("*", null);

    [GeneratedRegex(@"\A(?<percent>[0-9]{1,3})%\z")]
    private static partial Regex SharePattern();

    /// <summary>The waves of a NixDeployWaves value; empty text is one wave of every machine (the default).</summary>
    public static IReadOnlyList<WaveSpec> ParseList(string? text, SettingLayers layers)
    {
        if (string.IsNullOrWhiteSpace(text))
            return DeploySettings.DefaultWaves;
        var waves = text.Trim().Split(Separator).Select((wave, index) => Parse(wave.Trim(), index + 1, text, layers)).ToList();
        var rest = waves.FindIndex(wave => wave.Text == Rest.Text);
        if (rest >= 0 && rest < waves.Count - 1)
            throw Refuse(layers, text, $"wave {rest + 1} is '*', every machine left, so the waves after it would be empty. Make '*' the last wave");
        return waves;
    }

    /// <summary>The list as NixDeployWaves spells it (waves joined by <c>/</c>).</summary>
    public static string ListText(IEnumerable<WaveSpec> waves) => string.Join(Separator, waves.Select(wave => wave.Text));

    private static WaveSpec Parse(string wave, int number, string text, SettingLayers layers)
    {
        if (wave.Length == 0)
            throw Refuse(layers, text, $"wave {number} is empty. Write each wave between the '/'s: a selection such as @canary or web-*+db-1, a share such as 10%, or * for every machine left");
        if (SharePattern().Match(wave) is { Success: true } share)
        {
            var percent = int.Parse(share.Groups["percent"].Value, CultureInfo.InvariantCulture);
            return percent is >= 1 and <= 100
                ? new WaveSpec($"{percent}%", percent)
                : throw Refuse(layers, text, $"wave {number} '{wave}' is a share of {percent}%: a share is 1% to 100% of the machines left");
        }
        if (wave.Contains('%'))
            throw Refuse(layers, text, $"wave {number} '{wave}' is neither a selection nor a share: a share stands alone in its wave, as a whole percentage (10%)");
        var terms = wave.Split(['+', ','], StringSplitOptions.TrimEntries);
        if (terms.Any(term => term.Length == 0))
            throw Refuse(layers, text, $"wave {number} '{wave}' has an empty part: join names, globs and @labels with a single '+'");
        return new WaveSpec(string.Join('+', terms), null);
    }

    private static NixDeployException Refuse(SettingLayers layers, string text, string problem) =>
        layers.Refuse(ErrorCodes.InvalidWaves, "NixDeployWaves",
            $"NixDeployWaves '{text}': {problem}. Waves are separated by '/', the parts of one wave by '+' (-p:NixDeployWaves=@canary/10%/*).");
}
