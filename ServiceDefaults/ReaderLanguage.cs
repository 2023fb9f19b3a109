using Microsoft.AspNetCore.Http;

namespace Microsoft.Extensions.Hosting;

/// <summary>The language a response's person-facing text is written in: English or Russian.</summary>
public static class ReaderLanguage
{
    /// <summary>The <c>language</c> asked for, else the first of Accept-Language we write (en, ru), else English.</summary>
    public static string Of(HttpRequest request, string? language)
    {
        if (language?.Trim().ToLowerInvariant() is "ru" or "en") return language.Trim().ToLowerInvariant();
        foreach (var value in request.GetTypedHeaders().AcceptLanguage.OrderByDescending(l => l.Quality ?? 1))
        {
            var tag = value.Value.Value ?? "";
            var primary = tag[..Math.Min(2, tag.Length)].ToLowerInvariant();
            if (primary is "ru" or "en") return primary;
        }
        return "en";
    }
}
