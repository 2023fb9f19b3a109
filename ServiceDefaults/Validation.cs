using System.Text.RegularExpressions;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Collects field errors keyed by the JSON path the client sent (<c>caller.name</c>, <c>items[2].amount</c>), so every
/// rejection names its fields. Checks return whether the value passed, to let callers skip dependent checks.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string error)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(error);
    }

    public bool Required(string field, object? value)
    {
        if (value is null || value is string s && string.IsNullOrWhiteSpace(s))
        {
            Add(field, "The field is required.");
            return false;
        }
        return true;
    }

    public bool MaxLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            Add(field, $"The field must be at most {max} characters long.");
            return false;
        }
        return true;
    }

    public bool OneOf(string field, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && !allowed.Contains(value))
        {
            Add(field, $"'{value}' is not one of: {string.Join(", ", allowed)}.");
            return false;
        }
        return true;
    }

    public bool Matches(string field, string? value, Regex pattern, string description)
    {
        if (value is not null && !pattern.IsMatch(value))
        {
            Add(field, $"The field must be {description}.");
            return false;
        }
        return true;
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
