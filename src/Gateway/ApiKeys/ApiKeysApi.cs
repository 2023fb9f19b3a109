using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Gateway.Auth;

namespace Platform.Gateway.ApiKeys;

/// <summary>
/// <c>Role</c>: <c>insurer</c> (the default: the insurer's integration) or <c>clinic</c> (one clinic of the insurer's
/// network, named by <c>ClinicCode</c>, its code in the network: it may read and acknowledge its guarantee letters, nothing else).
/// </summary>
public sealed record CreateApiKeyRequest(
    string? Name,
    [property: OneOf(typeof(ApiKeysApi), nameof(ApiKeysApi.KeyRoles))] string? Role = null,
    string? ClinicCode = null);

/// <summary>Administrators issue, list and revoke insurers' API keys.</summary>
public static class ApiKeysApi
{
    public const int MaxNameLength = 100;

    [EnumSchema("ApiKeyRole")]
    public static readonly string[] KeyRoles = [Roles.Insurer, Roles.Clinic];

    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin")
            .WithTags("API keys")
            .RequireAuthorization(GatewayAuth.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapPost("/tenants/{tenantId}/api-keys", IssueAsync)
            .WithSummary("Issues an API key for an insurer, or for one clinic of its network. The secret is in this answer only.");
        admin.MapGet("/tenants/{tenantId}/api-keys", ListAsync)
            .WithSummary("Lists an insurer's API keys, without their secrets.");
        admin.MapDelete("/api-keys/{keyId}", RevokeAsync)
            .WithSummary("Revokes an API key at once. Revoking a revoked key changes nothing.");
        return app;
    }

    public static async Task<Results<Created<IssuedApiKey>, ValidationProblem>> IssueAsync(
        string tenantId, CreateApiKeyRequest? request, ApiKeyStore keys, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (!TenantId.IsValid(tenantId))
        {
            errors["tenantId"] = ["A tenant id is 2 to 63 lowercase letters, digits or '-', starting with a letter or digit."];
        }
        var name = request?.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["A name is required."];
        }
        else if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"The name must have at most {MaxNameLength} characters."];
        }
        var role = request?.Role ?? Roles.Insurer;
        var clinicCode = request?.ClinicCode?.Trim();
        if (!KeyRoles.Contains(role))
            errors["role"] = [$"The role must be one of: {string.Join(", ", KeyRoles)}."];
        else if (role == Roles.Clinic && (string.IsNullOrEmpty(clinicCode) || clinicCode.Length > 64 || clinicCode.Any(char.IsControl)))
            errors["clinicCode"] = ["A clinic's key names the clinic: its code in the network, 1 to 64 characters."];
        else if (role == Roles.Insurer && clinicCode is not null)
            errors["clinicCode"] = ["Only a clinic's key names a clinic."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var issued = await keys.IssueAsync(tenantId, name!, role, role == Roles.Clinic ? clinicCode : null,
            Caller.From(user)?.ActorId ?? "unknown", ct);
        return TypedResults.Created($"/admin/api-keys/{issued.KeyId}", issued);
    }

    public static async Task<Results<Ok<IReadOnlyList<ApiKeySummary>>, ValidationProblem>> ListAsync(
        string tenantId, ApiKeyStore keys, CancellationToken ct)
    {
        if (!TenantId.IsValid(tenantId))
        {
            return Problems.Validation("tenantId", "A tenant id is 2 to 63 lowercase letters, digits or '-', starting with a letter or digit.");
        }
        return TypedResults.Ok(await keys.ListAsync(tenantId, ct));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(string keyId, ApiKeyStore keys, CancellationToken ct)
    {
        if (!Guid.TryParse(keyId, out var id) || !await keys.RevokeAsync(id, ct))
        {
            return Problems.NotFound($"There is no API key '{keyId}'.");
        }
        return TypedResults.NoContent();
    }
}
