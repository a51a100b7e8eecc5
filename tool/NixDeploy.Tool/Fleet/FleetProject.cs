using NixDeploy.Diagnostics;

namespace NixDeploy.Tool.Fleet;

/// <summary>The <c>.nixdeploy</c> project a command works on: the one given, or the single one in the current folder.</summary>
public sealed record FleetProject(string Path)
{
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>A path from the project's properties (relative ones are relative to the project folder), or null if empty.</summary>
    public string? Resolve(string? path) =>
        string.IsNullOrWhiteSpace(path) ? null : System.IO.Path.GetFullPath(path, Directory);

    public static FleetProject Locate(string? given, string currentDirectory)
    {
        if (given is not null)
        {
            var full = System.IO.Path.GetFullPath(given, currentDirectory);
            if (System.IO.Directory.Exists(full))
                return Locate(null, full);
            return File.Exists(full)
                ? new FleetProject(full)
                : throw new NixDeployException(ErrorCodes.ProjectNotFound, $"--project {given}: {full} does not exist.");
        }
        var found = System.IO.Directory.GetFiles(currentDirectory, "*.nixdeploy").Order(StringComparer.Ordinal).ToList();
        return found.Count switch
        {
            1 => new FleetProject(found[0]),
            0 => throw new NixDeployException(ErrorCodes.ProjectNotFound,
                $"There is no *.nixdeploy project in {currentDirectory}: run the command in the fleet's folder, pass --project PATH, or create a fleet with 'dotnet new nixfleet'."),
            _ => throw new NixDeployException(ErrorCodes.ProjectAmbiguous,
                $"{currentDirectory} holds {found.Count} projects ({string.Join(", ", found.Select(System.IO.Path.GetFileName))}): say which with --project PATH."),
        };
    }
}
