using System.Xml.Linq;

namespace NixDeploy.Tests.Infrastructure;

/// <summary>Fluent writer of one &lt;Target&gt;: its attributes (Inputs, Outputs, DependsOnTargets...) and tasks.</summary>
public sealed class TargetXmlBuilder
{
    private readonly XElement _target;

    internal TargetXmlBuilder(string name) => _target = new XElement("Target", new XAttribute("Name", name));

    public TargetXmlBuilder Attribute(string name, string value)
    {
        _target.SetAttributeValue(name, value);
        return this;
    }

    public TargetXmlBuilder Inputs(string inputs) => Attribute("Inputs", inputs);

    public TargetXmlBuilder Outputs(string outputs) => Attribute("Outputs", outputs);

    public TargetXmlBuilder DependsOn(string targets) => Attribute("DependsOnTargets", targets);

    /// <summary>A task call; parameters become attributes, e.g. Task("Error", ("Code", "ND9999"), ("Text", "...")).</summary>
    public TargetXmlBuilder Task(string name, params (string Name, string Value)[] parameters)
    {
        _target.Add(new XElement(name, parameters.Select(parameter => new XAttribute(parameter.Name, parameter.Value))));
        return this;
    }

    /// <summary>Any other content (a task with Output elements, an ItemGroup) as raw XML.</summary>
    public TargetXmlBuilder Raw(string xml)
    {
        _target.Add(XElement.Parse(xml));
        return this;
    }

    internal XElement ToXElement() => new(_target);
}
