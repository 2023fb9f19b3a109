using System.Text.RegularExpressions;

namespace Platform.Tests;

/// <summary>Paths for route templates (<c>/cases/{numberOrId}/tasks</c>, <c>/tasks/{id:guid}</c>), with values that exist nowhere.</summary>
public static partial class RouteTemplates
{
    /// <summary>
    /// A GUID for a GUID-constrained parameter or one named <c>id</c>/<c>...Id</c>, a number for an int-constrained one,
    /// a case-number-like word otherwise.
    /// </summary>
    public static string Fill(string template) =>
        Parameter().Replace(template, m =>
            m.Groups["constraint"].Value.Contains("guid") || m.Groups["name"].Value == "id" || m.Groups["name"].Value.EndsWith("Id", StringComparison.Ordinal)
                ? Guid.NewGuid().ToString()
                : m.Groups["constraint"].Value.Contains("int") ? "1" : "2026-999999");

    [GeneratedRegex(@"\{\**(?<name>\w+)(?<constraint>:[^}]*)?\}")]
    private static partial Regex Parameter();
}
