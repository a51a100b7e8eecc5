namespace NixDeploy.Tool.Cli;

/// <summary>The tool's exit codes (documented in docs/tool.md); scripts and CI branch on them.</summary>
public static class ExitCodes
{
    /// <summary>Every machine reached its desired state (or the command did what it was asked).</summary>
    public const int Success = 0;

    /// <summary>A step or a machine failed, or a host could not be reached.</summary>
    public const int Failed = 1;

    /// <summary>A bad command line, or input the tool cannot work with (no project, unknown machine, invalid blueprint).</summary>
    public const int BadInput = 2;

    /// <summary>A deploy failed on a machine and rolled it back to its previous system; no machine failed otherwise.</summary>
    public const int RolledBack = 3;

    /// <summary><c>plan --exit-code</c>: the plan has changes (as terraform plan -detailed-exitcode's 2, which is taken here).</summary>
    public const int ChangesPending = 4;

    /// <summary>Ctrl-C (SIGINT): the deploy was cancelled; its report says what was done (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>A bug in the tool or the SDK (ND9001).</summary>
    public const int InternalError = 70;
}

/// <summary>Which exit code a set of coded errors means.</summary>
public static class ExitCodeClassifier
{
    // Codes that say the input is wrong (the command line, the project, the blueprint, a setting), not that a step failed.
    private static readonly string[] BadInputPrefixes = ["ND11", "ND13"];
    private static readonly HashSet<string> BadInputCodes = new(StringComparer.Ordinal)
    {
        Diagnostics.ErrorCodes.InvalidDeploySetting, Diagnostics.ErrorCodes.InvalidSshOption, Diagnostics.ErrorCodes.DeploymentManifestUnreadable,
        Diagnostics.ErrorCodes.ProjectNotFound, Diagnostics.ErrorCodes.ProjectAmbiguous, Diagnostics.ErrorCodes.ManifestNotBuilt,
        Diagnostics.ErrorCodes.UnknownMachine, Diagnostics.ErrorCodes.KeyFileExists, Diagnostics.ErrorCodes.InvalidKeyName,
        Diagnostics.ErrorCodes.NotAnSdkProject, Diagnostics.ErrorCodes.AgentFilesExist,
        // A pull machine selected for a deploy without a control plane: fixed in the selection or the project.
        Diagnostics.ErrorCodes.PullMachineNeedsControlPlane,
        // A cache declaration, its key or credential file, or a cache setting that is not valid: fixed in the project, not by retrying.
        Diagnostics.ErrorCodes.InvalidCache, Diagnostics.ErrorCodes.CacheSecretKeyInvalid, Diagnostics.ErrorCodes.CacheCredentialMissing,
        Diagnostics.ErrorCodes.InvalidCacheSetting, Diagnostics.ErrorCodes.CacheDeployKeyMissing,
        // The control plane's config or addresses: fixed in its config file or command line.
        Diagnostics.ErrorCodes.ServerConfigInvalid, Diagnostics.ErrorCodes.PlainHttpNotOnLoopback, Diagnostics.ErrorCodes.TlsCertificateUnusable,
        // The control plane's URL, token setting or wait settings: fixed in the project or on the command line.
        Diagnostics.ErrorCodes.InvalidControlPlaneUrl, Diagnostics.ErrorCodes.ControlPlaneTokenMissing, Diagnostics.ErrorCodes.ControlPlaneTokenUnreadable,
        Diagnostics.ErrorCodes.InvalidControlPlaneSetting,
    };

    public static int For(IEnumerable<string> codes)
    {
        var list = codes.ToList();
        if (list.Contains(Diagnostics.ErrorCodes.InternalError))
            return ExitCodes.InternalError;
        if (list.Count > 0 && list.All(code => BadInputCodes.Contains(code) || BadInputPrefixes.Any(prefix => code.StartsWith(prefix, StringComparison.Ordinal))))
            return ExitCodes.BadInput;
        return ExitCodes.Failed;
    }
}
