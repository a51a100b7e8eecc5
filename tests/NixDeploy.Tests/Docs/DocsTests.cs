using System.Reflection;
using NixDeploy.Diagnostics;
using NixDeploy.Tests.Infrastructure;

namespace NixDeploy.Tests.Docs;

/// <summary>
/// The documentation holds together: README.md, CONTRIBUTING.md, ARCHITECTURE.md and docs/ link only to files and
/// headings that exist, and docs/errors.md has a row for every error code the SDK can report.
/// </summary>
public sealed class DocsTests
{
    private static IEnumerable<string> DocumentationFiles() =>
        new[] { "README.md", "CONTRIBUTING.md", "ARCHITECTURE.md" }.Select(name => Path.Combine(RepositoryRoot.Path, name))
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "docs"), "*.md"));

    [Fact]
    public void Every_relative_link_points_at_a_file_and_heading_that_exist()
    {
        var broken = new List<string>();
        foreach (var file in DocumentationFiles().Select(MarkdownFile.Read))
        {
            foreach (var link in file.Links.Where(link => !link.Contains("://", StringComparison.Ordinal) && !link.StartsWith("mailto:", StringComparison.Ordinal)))
            {
                if (link.Length == 0)
                {
                    broken.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file.Path)}: an empty link ()");
                    continue;
                }
                var (target, anchor) = link.Split('#', 2) is [var path, var fragment] ? (path, fragment) : (link, null);
                var targetPath = target.Length == 0 ? file.Path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file.Path)!, target));
                if (!File.Exists(targetPath) && !Directory.Exists(targetPath))
                    broken.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file.Path)}: {link} (no such file)");
                else if (anchor is not null && (!targetPath.EndsWith(".md", StringComparison.Ordinal) || !MarkdownFile.Read(targetPath).Anchors.Contains(anchor)))
                    broken.Add($"{Path.GetRelativePath(RepositoryRoot.Path, file.Path)}: {link} (no such heading)");
            }
        }
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    [Fact]
    public void Every_error_code_has_a_row_in_docs_errors()
    {
        var errors = Path.Combine(RepositoryRoot.Path, "docs", "errors.md");
        Assert.True(File.Exists(errors), $"no {errors}");
        // A row's first cell names its codes: "| ND1001 / ND1002 | ...".
        var documented = File.ReadAllLines(errors).Where(line => line.StartsWith("| ND", StringComparison.Ordinal))
            .SelectMany(line => line.Split('|')[1].Split('/', StringSplitOptions.TrimEntries))
            .Select(cell => cell.Split(' ')[0]).ToHashSet(StringComparer.Ordinal);
        var codes = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (Name: field.Name, Code: (string)field.GetRawConstantValue()!));

        var missing = codes.Where(code => !documented.Contains(code.Code)).Select(code => $"{code.Code} ({code.Name})").ToList();

        Assert.True(missing.Count == 0, $"docs/errors.md has no row for: {string.Join(", ", missing)}");
    }
}
