using System.Reflection;
using System.Reflection.Emit;

namespace NixDeploy.Tests.Core;

/// <summary>
/// The namespaces of NixDeploy.Core, NixDeploy.Tasks and the tool point one way (ARCHITECTURE.md): a namespace uses
/// only namespaces of lower layers, never one of its own layer or above, so no two can import each other.
/// Read from the compiled assemblies (signatures, attributes, locals and every type, method and field token in the
/// IL), not from <c>using</c> lines: a partly qualified name (<c>Cache.PushReport</c> inside <c>NixDeploy</c>), a
/// parent namespace's types and global usings all compile to the same references. What compiles away is not seen:
/// constants and enum values (inlined as numbers), <c>nameof</c>, doc comments.
/// </summary>
public sealed class LayerTests
{
    /// <summary>Lowest first; the same order as ARCHITECTURE.md. Namespaces in one layer do not use each other.</summary>
    private static readonly string[][] Layers =
    [
        ["NixDeploy.Diagnostics"],
        ["NixDeploy.Processes", "NixDeploy.IO"],
        ["NixDeploy.Nix", "NixDeploy.Git"],
        ["NixDeploy.Blueprint"],
        ["NixDeploy.Ssh", "NixDeploy.Workloads"],
        ["NixDeploy.Host"],
        ["NixDeploy.Pipeline", "NixDeploy.Progress"],
        ["NixDeploy.Manifest"],
        ["NixDeploy.Deploy.Remote"],
        ["NixDeploy.Deploy"],
        ["NixDeploy.Cache", "NixDeploy.Artifacts", "NixDeploy.Live", "NixDeploy.Workloads.Hosts"],
        ["NixDeploy.Artifacts.Prompts", "NixDeploy.Artifacts.Backends"],
        ["NixDeploy.Artifacts.Delivery"],
        ["NixDeploy.Artifacts.Services"],
        ["NixDeploy.Engine", "NixDeploy.ControlPlane"],
        ["NixDeploy.Tasks", "NixDeploy.Tool.Json", "NixDeploy.Tool.Output", "NixDeploy.Server.Store", "NixDeploy.Server.Http"],
        ["NixDeploy.Tool.Cli", "NixDeploy.Server.Auth", "NixDeploy.Server.Rollouts", "NixDeploy.Server.Cache"],
        ["NixDeploy.Server.Builds"],
        ["NixDeploy.Tool.Fleet", "NixDeploy.Server.Api"],
        ["NixDeploy.Tool.Artifacts", "NixDeploy.Server.Hosting"],
        ["NixDeploy.Tool.Commands"],
        ["NixDeploy.Tool"],
    ];

    [Fact]
    public void Namespaces_use_only_lower_layers()
    {
        var assemblies = new[]
        {
            typeof(NixDeploy.Diagnostics.ErrorCodes).Assembly,
            typeof(NixDeploy.Tasks.Deploy).Assembly,
            typeof(NixDeploy.Server.Hosting.ControlPlaneHost).Assembly,
            Assembly.Load("dotnet-nixdeploy"),
        };
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<(string From, string To)>();
        foreach (var type in assemblies.SelectMany(assembly => assembly.GetTypes()))
        {
            // The tool's top-level statements (global namespace) are above everything; generated helpers (regexes) are not ours.
            if (type.Namespace?.StartsWith("NixDeploy", StringComparison.Ordinal) != true)
                continue;
            var from = Layer(type.Namespace);
            if (from < 0)
            {
                problems.Add($"{type.Namespace} is in no layer: add it to LayerTests.Layers and ARCHITECTURE.md");
                continue;
            }
            foreach (var used in Referenced(type).Where(used => assemblies.Contains(used.Assembly)))
            {
                if (used.Namespace is not { } ns || ns == type.Namespace)
                    continue;
                seen.Add((type.Namespace, ns));
                // A namespace outside the order (-1) is reported above, as the user of something.
                var to = Layer(ns);
                if (to >= from)
                    problems.Add($"{type.Namespace} uses {ns} ({type.FullName} -> {used.FullName}), which is {(to == from ? "in its own layer" : "above it")}");
            }
        }
        // The reader sees what the code uses: a reader that found nothing would pass any order.
        Assert.Contains(("NixDeploy.Engine", "NixDeploy.Deploy"), seen);
        Assert.Contains(("NixDeploy.Tasks", "NixDeploy.Engine"), seen);
        Assert.Contains(("NixDeploy.Tool.Commands", "NixDeploy.Live"), seen);
        Assert.Contains(("NixDeploy.Server.Rollouts", "NixDeploy.Engine"), seen);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>The index of the namespace's layer, -1 when it is in none: a new namespace needs a place in the order.</summary>
    private static int Layer(string ns) => Array.FindIndex(Layers, layer => layer.Contains(ns));

    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic
        | BindingFlags.Instance | BindingFlags.Static;

    private static IEnumerable<Type> Referenced(Type type)
    {
        var found = new List<Type?> { type.BaseType, type.DeclaringType };
        found.AddRange(type.GetInterfaces());
        found.AddRange(Attributes(type.CustomAttributes));
        foreach (var field in type.GetFields(Declared))
        {
            found.Add(field.FieldType);
            found.AddRange(Attributes(field.CustomAttributes));
        }
        foreach (var property in type.GetProperties(Declared))
        {
            found.Add(property.PropertyType);
            found.AddRange(Attributes(property.CustomAttributes));
        }
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo info)
                found.Add(info.ReturnType);
            found.AddRange(method.GetParameters().Select(parameter => parameter.ParameterType));
            found.AddRange(method.GetParameters().SelectMany(parameter => Attributes(parameter.CustomAttributes)));
            found.AddRange(Attributes(method.CustomAttributes));
            if (method.GetMethodBody() is { } body)
            {
                found.AddRange(body.LocalVariables.Select(local => local.LocalType));
                found.AddRange(IlReferences(method, body.GetILAsByteArray() ?? []));
            }
        }
        return found.OfType<Type>().SelectMany(Unwrap);
    }

    private static IEnumerable<Type?> Attributes(IEnumerable<CustomAttributeData> attributes) =>
        attributes.SelectMany(attribute => attribute.ConstructorArguments.Concat(attribute.NamedArguments.Select(named => named.TypedValue))
            .Select(argument => argument.Value as Type)
            .Prepend(attribute.AttributeType));

    /// <summary>A type with what it is built from: element types, generic definitions and arguments.</summary>
    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
            return Unwrap(type.GetElementType()!);
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            return type.GetGenericArguments().SelectMany(Unwrap).Prepend(type.GetGenericTypeDefinition());
        return type.IsGenericParameter ? [] : [type];
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>The types named by the type, method and field tokens of a method body.</summary>
    private static IEnumerable<Type?> IlReferences(MethodBase method, byte[] il)
    {
        var typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        var methodArguments = method is MethodInfo { IsGenericMethod: true } ? method.GetGenericArguments() : null;
        for (var at = 0; at < il.Length;)
        {
            var code = OpCodesByValue[il[at] == 0xFE ? unchecked((short)(0xFE00 | il[at + 1])) : il[at]];
            at += code.Size;
            if (code.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, at), typeArguments, methodArguments);
                switch (member)
                {
                    case Type named:
                        yield return named;
                        break;
                    case FieldInfo field:
                        yield return field.DeclaringType;
                        yield return field.FieldType;
                        break;
                    case MethodBase called:
                        yield return called.DeclaringType;
                        foreach (var argument in called is MethodInfo { IsGenericMethod: true } ? called.GetGenericArguments() : [])
                            yield return argument;
                        break;
                }
            }
            at += code.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
                _ => 4,
            };
        }
    }
}
