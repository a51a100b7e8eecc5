using NixDeploy.Blueprint;
using NixDeploy.Diagnostics;

namespace NixDeploy.Manifest;

/// <summary>
/// What the worker of a cloud-hypervisor machine needs to (re)start its VM (seed 002's "optional kernel/initrd
/// paths"): the kernel and initrd of its NixOS toplevel as resolved store paths, its kernel parameters, and the
/// blueprint's cpu and memory. The command line is <c>init=CLOSURE/init KERNELPARAMS</c>, as a boot loader builds it.
/// </summary>
public sealed record VmBoot(double Cpu, MemorySpec Memory, string Kernel, string Initrd, string KernelParams)
{
    /// <summary>
    /// Reads every built cloud-hypervisor machine's boot files from its toplevel (in the local store once built);
    /// null when there is none. A toplevel without them (a container's) is an error naming every such machine.
    /// </summary>
    public static SortedDictionary<string, VmBoot>? ReadAll(
        IReadOnlyDictionary<string, MachineSpec> blueprint, IReadOnlyDictionary<string, string> closures, string? flakeFile)
    {
        var vms = new SortedDictionary<string, VmBoot>(StringComparer.Ordinal);
        var errors = new List<Diagnostic>();
        foreach (var (machine, closure) in closures)
        {
            if (!blueprint.TryGetValue(machine, out var spec) || spec.Deployment.Backend != BlueprintDefaults.CloudHypervisorBackend)
                continue;
            var kernel = Path.Combine(closure, "kernel");
            var initrd = Path.Combine(closure, "initrd");
            var parameters = Path.Combine(closure, "kernel-params");
            var missing = new[] { kernel, initrd, parameters }.Where(file => !File.Exists(file)).Select(Path.GetFileName).ToList();
            if (missing.Count > 0)
            {
                errors.Add(new Diagnostic(ErrorCodes.VmSystemNotBootable,
                    $"{machine}: its backend is cloud-hypervisor, but its system {closure} has no {string.Join(", no ", missing)}, so a VM cannot boot it. " +
                    "Make its configuration a bootable NixOS system (not boot.isContainer), or give it the backend \"ssh\".", flakeFile));
                continue;
            }
            vms[machine] = new VmBoot(spec.Cpu, spec.Memory, Resolve(kernel), Resolve(initrd), File.ReadAllText(parameters).TrimEnd('\n'));
        }
        if (errors.Count > 0)
            throw new NixDeployException(errors);
        return vms.Count > 0 ? vms : null;
    }

    // NixOS links kernel and initrd to their own store paths; a worker should not depend on the toplevel for them.
    private static string Resolve(string path) => new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
}
