using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.Hosting;

/// <summary>Stable problem types (RFC 9457) shared by every service, so clients can branch on <c>type</c>.</summary>
public static class ProblemTypes
{
    public const string Validation = "urn:platform:problem:validation";
    public const string NotFound = "urn:platform:problem:not-found";
    public const string Unauthenticated = "urn:platform:problem:unauthenticated";
    public const string Forbidden = "urn:platform:problem:forbidden";
    public const string MethodNotAllowed = "urn:platform:problem:method-not-allowed";
    public const string NotAcceptable = "urn:platform:problem:not-acceptable";
    public const string Conflict = "urn:platform:problem:conflict";
    public const string PayloadTooLarge = "urn:platform:problem:payload-too-large";
    public const string UnsupportedMediaType = "urn:platform:problem:unsupported-media-type";
    public const string RateLimited = "urn:platform:problem:rate-limited";
    public const string Unavailable = "urn:platform:problem:unavailable";
    public const string Internal = "urn:platform:problem:internal";

    /// <summary>
    /// RFC 9457's type for a problem that means no more than its status code; used for statuses the platform has no
    /// type of its own for (408, 411, 414, 431, ...), so no client error is ever labelled internal.
    /// </summary>
    public const string StatusOnly = "about:blank";

    /// <summary>The type of a problem that says no more than its status: the platform's own where it has one.</summary>
    public static string For(int status) => status switch
    {
        StatusCodes.Status400BadRequest => Validation,
        StatusCodes.Status401Unauthorized => Unauthenticated,
        StatusCodes.Status403Forbidden => Forbidden,
        StatusCodes.Status404NotFound => NotFound,
        StatusCodes.Status405MethodNotAllowed => MethodNotAllowed,
        StatusCodes.Status406NotAcceptable => NotAcceptable,
        StatusCodes.Status409Conflict => Conflict,
        StatusCodes.Status413PayloadTooLarge => PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType,
        StatusCodes.Status429TooManyRequests => RateLimited,
        StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout => Unavailable,
        >= 500 => Internal,
        _ => StatusOnly,
    };
}

public static class Problems
{
    /// <summary>A 400 that names each offending field (JSON property names, camelCase).</summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(errors, detail ?? "One or more fields are invalid.",
            type: ProblemTypes.Validation, title: "The request is invalid.");

    public static ValidationProblem Validation(string field, string error) =>
        Validation(new Dictionary<string, string[]> { [field] = [error] });

    /// <summary>404 for a missing resource and for another tenant's: the two must look the same.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.", type: ProblemTypes.NotFound);

    /// <summary>403: the caller is known but its role or tier does not allow this.</summary>
    public static ProblemHttpResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden.", type: ProblemTypes.Forbidden);

    /// <summary>401: the caller did not prove who it is (a signature or key that does not hold).</summary>
    public static ProblemHttpResult Unauthenticated(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthenticated.", type: ProblemTypes.Unauthenticated);

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict.", type: ProblemTypes.Conflict);

    /// <summary>
    /// Answers from middleware (outside an endpoint) with a problem document, through the same problem details service
    /// the endpoints use, so the type, trace id and content negotiation are the same.
    /// </summary>
    public static Task WriteProblemAsync(this HttpContext context, int status, string title, string detail, string type,
        IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail, Type = type };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    internal static IServiceCollection AddPlatformProblemDetails(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            // The framework fills in RFC links by status; ours are stable per kind of problem.
            if (ctx.ProblemDetails.Type is null || ctx.ProblemDetails.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
                ctx.ProblemDetails.Type = ProblemTypes.For(ctx.ProblemDetails.Status ?? ctx.HttpContext.Response.StatusCode);
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<DependencyOutageExceptionHandler>();
        services.AddPlainTextRule();
        services.AddNoNullElementsRule();
        // Minimal APIs turn unreadable bodies into BadHttpRequestException only when asked to; the handler below
        // then answers with a problem that names the JSON path instead of an empty 400.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services;
    }
}

/// <summary>Turns unreadable requests (malformed JSON, wrong types, oversized bodies) into problem documents naming the field.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        var status = bad.StatusCode;
        var errors = new Dictionary<string, string[]>();
        if (FindJsonException(bad) is { } json)
        {
            // Name the field as the client wrote it (insured.dateOfBirth), never our type names.
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            if (json is NoNullElements.NullElementException nullElement)
                // The path is the object holding the list; the element is named below it.
                field = field == "body" ? nullElement.Element : $"{field}.{nullElement.Element}";
            errors[field] = [IsTextRule(bad) ? PlainText.Rule
                : json is NoNullElements.NullElementException ? NoNullElements.Rule
                : json.Path is null or "$"
                ? "The body is not valid JSON."
                : "The value is malformed or of the wrong type (dates are YYYY-MM-DD, numbers are plain JSON numbers)."];
        }
        else
        {
            errors["body"] = [bad.Message];
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new HttpValidationProblemDetails(errors)
            {
                Status = status,
                Title = status switch
                {
                    StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
                    StatusCodes.Status415UnsupportedMediaType => "The request body is of a media type the operation does not accept.",
                    _ => "The request body could not be read.",
                },
                // 400 for unreadable JSON, but also 413 (too large) and 415 (wrong Content-Type) come this way.
                Type = ProblemTypes.For(status),
            },
            Exception = exception,
        });
    }

    private static bool IsTextRule(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is PlainText.ControlCharacterException) return true;
        return false;
    }

    private static JsonException? FindJsonException(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is JsonException json) return json;
        return null;
    }
}

/// <summary>
/// A database or Redis that is down, restarting or failing over is the platform's problem of the moment, not a bug:
/// the client gets a 503 problem with Retry-After and repeats the request (with its Idempotency-Key), never a 500.
/// Nothing was written: every write commits in one transaction, and a failed transaction leaves no trace.
/// </summary>
internal sealed partial class DependencyOutageExceptionHandler(IProblemDetailsService problemDetails, ILogger<DependencyOutageExceptionHandler> logger)
    : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (DependencyOutage.Of(exception) is not { } dependency || httpContext.Response.HasStarted) return false;
        LogOutage(dependency, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        // The database restarted or failed over: drop its dead pooled connections, so the client's retry connects afresh.
        if (dependency == "database") httpContext.RequestServices.GetService<Npgsql.NpgsqlDataSource>()?.Clear();
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable.",
                Detail = $"The service cannot reach its {dependency} right now; nothing was changed. Repeat the request in a few seconds.",
                Type = ProblemTypes.Unavailable,
            },
        });
    }

    [LoggerMessage(LogLevel.Warning, "Answered 503: the {Dependency} is unreachable ({Method} {Path}): {Error}")]
    private partial void LogOutage(string dependency, string method, string path, string error);
}

/// <summary>
/// Whether a failure is a dependency being unreachable (its database restarting or failing over, Redis down) rather
/// than anything about the request or message: one definition for the 503 answers and the consumers' outage retries.
/// </summary>
public static class DependencyOutage
{
    /// <summary>Which dependency is unreachable ("database" or "cache"), when that is what <paramref name="exception"/> says.</summary>
    public static string? Of(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Npgsql.NpgsqlException { IsTransient: true }:
                case Npgsql.PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "08000" or "08003" or "08006" or "08001" or "08004" }:
                    return "database";
                case StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException:
                    return "cache";
            }
        }
        return null;
    }
}
