using System.Xml.Linq;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>Fluent writer of a project file's XML: properties, items with metadata, and targets.</summary>
public sealed class ProjectXmlBuilder
{
    private readonly List<XElement> _elements = [];

    public ProjectXmlBuilder Property(string name, string value)
    {
        _elements.Add(new XElement("PropertyGroup", new XElement(name, value)));
        return this;
    }

    public ProjectXmlBuilder Item(string type, string include, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var item = new XElement(type, new XAttribute("Include", include));
        foreach (var (name, value) in metadata ?? new Dictionary<string, string>())
        {
            item.Add(new XElement(name, value));
        }

        _elements.Add(new XElement("ItemGroup", item));
        return this;
    }

    public ProjectXmlBuilder Target(string name, Action<TargetXmlBuilder>? configure = null)
    {
        var target = new TargetXmlBuilder(name);
        configure?.Invoke(target);
        _elements.Add(target.ToXElement());
        return this;
    }

    /// <summary>Any other element (an Import, a UsingTask, a Choose) as raw XML.</summary>
    public ProjectXmlBuilder Raw(string xml)
    {
        _elements.Add(XElement.Parse(xml));
        return this;
    }

    /// <param name="sdk">The Sdk attribute, or null for a plain MSBuild project.</param>
    public string ToXml(string? sdk)
    {
        var project = new XElement("Project", sdk is null ? null : new XAttribute("Sdk", sdk), _elements);
        return project.ToString();
    }
}
