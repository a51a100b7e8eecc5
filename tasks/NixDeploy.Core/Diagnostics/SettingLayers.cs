using System.Xml;
using System.Xml.Linq;

namespace NixDeploy.Diagnostics;

/// <summary>
/// The files a project's settings (MSBuild properties) come from, in the order MSBuild reads them, a later one
/// winning: the Directory.Build.props the project imports, the project file, its .user file; a value given on the
/// command line (-p:) wins over all of them. A bad setting's error names every one and, linked at its line, the one
/// that set the value. MSBuild does not tell a task where a property was set, so the SDK records a hash of every
/// setting before and after each file layer (its <c>_NixDeploySettingLayer</c> items): the last layer that changed
/// the value set it; when none did, the value came from the command line (or the environment).
/// </summary>
public sealed class SettingLayers
{
    private readonly string? _file;
    private readonly IReadOnlyList<SettingLayer> _layers;

    private SettingLayers(string? file, IReadOnlyList<SettingLayer> layers)
    {
        _file = file;
        _layers = layers;
    }

    /// <summary>
    /// A project's layers, lowest first, as the SDK lists them; with none (a task called without the SDK's items),
    /// only the project is named.
    /// </summary>
    public static SettingLayers Of(string projectFile, IReadOnlyList<SettingLayer> layers) => new(projectFile, layers);

    /// <summary>Settings read from one file of their own (a JSON configuration): that file is the one to fix.</summary>
    public static SettingLayers File(string? file) => new(file, []);

    /// <summary>The error for a bad value of <paramref name="property"/>: <paramref name="problem"/>, then where it is set.</summary>
    public NixDeployException Refuse(string code, string property, string problem)
    {
        if (_layers.Count == 0)
            return new NixDeployException(code, problem, _file);
        var places = string.Join(", ", _layers.Select(layer => layer.File).Append($"the command line (-p:{property}=...)"));
        var origin = _layers.LastOrDefault(layer => layer.Changed(property));
        if (origin is null && _layers.All(layer => layer.Knows(property)))
            return new NixDeployException(code,
                $"{problem} {property} is set on the command line or in the environment; it can be set in (a later one wins): {places}.", _file);
        if (origin is null)
            return new NixDeployException(code, $"{problem} {property} is set in one of (a later one wins): {places}.", _file);
        var (line, column) = PropertyPosition(origin.File, property);
        return new NixDeployException([new Diagnostic(code,
            $"{problem} {property} is set in {origin.File}; it can be set in (a later one wins): {places}.", origin.File, line, column)]);
    }

    /// <summary>Where the file's last element named <paramref name="property"/> starts (the one MSBuild keeps; at its '&lt;', as MSBuild points at elements), or 0, 0.</summary>
    private static (int Line, int Column) PropertyPosition(string file, string property)
    {
        try
        {
            var element = XDocument.Load(file, LoadOptions.SetLineInfo).Descendants().LastOrDefault(e => e.Name.LocalName == property);
            return element is IXmlLineInfo info && info.HasLineInfo() ? (info.LineNumber, info.LinePosition - 1) : (0, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or XmlException)
        {
            return (0, 0);
        }
    }
}
