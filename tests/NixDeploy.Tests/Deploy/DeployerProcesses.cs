using System.Diagnostics;

namespace NixDeploy.Tests.Deploy;

/// <summary>Cuts a deployer off the way a crash or a lost CI runner would: SIGKILL to it and everything it started.</summary>
internal static class DeployerProcesses
{
    /// <summary>Kills every `dotnet build` of <paramref name="projectFile"/> (found by its command line) with its process tree.</summary>
    public static void KillAll(string projectFile)
    {
        foreach (var process in Process.GetProcessesByName("dotnet"))
        {
            using (process)
            {
                if (CommandLine(process.Id).Contains(projectFile, StringComparison.Ordinal))
                    process.Kill(entireProcessTree: true);
            }
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }
}
