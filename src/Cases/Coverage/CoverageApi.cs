using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.Cases.CaseFiles;
using Platform.Contracts;
using Platform.Messaging;

namespace Platform.Cases.Coverage;

public static class CoverageApi
{
    private static readonly JsonSerializerOptions Json = PlatformJson.Options;

    public static IHostApplicationBuilder AddCoverage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CoverageOptions>().BindConfiguration("Coverage");
        builder.Services.AddSingleton<CoverageLedger>();
        return builder;
    }

    /// <summary>The events of guarantee letters (Clinic network) and adjudicated invoices (Billing).</summary>
    public static IBusRegistrationConfigurator AddCoverageConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddPlatformConsumer<GuaranteeLetterIssuedConsumer>();
        bus.AddPlatformConsumer<GuaranteeLetterAmendedConsumer>();
        bus.AddPlatformConsumer<GuaranteeLetterRevokedConsumer>();
        bus.AddPlatformConsumer<InvoiceAdjudicatedConsumer>();
        return bus;
    }

    public static RouteGroupBuilder MapCoverageApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{numberOrId}/coverage").RequireAccess(Access.ReadCases).WithTags("Coverage");
        group.MapGet("/", GetAsync).WithSummary("Per benefit: the limit, what guarantee letters reserve and invoices spent, and what remains");
        return group;
    }

    private static async Task<Results<Ok<CaseCoverage>, ProblemHttpResult>> GetAsync(
        string numberOrId, RequestIdentity identity, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        Guid caseId;
        string number;
        IReadOnlyList<CoverLimit> limits;
        await using (var cmd = new NpgsqlCommand($"""
            SELECT id, number, policy_terms::text FROM cases WHERE {CaseKey.Filter}
            """, connection))
        {
            CaseKey.Bind(cmd, identity.TenantId, numberOrId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return Problems.NotFound($"Case {numberOrId} was not found.");
            (caseId, number) = (r.GetGuid(0), r.GetString(1));
            limits = r.IsDBNull(2) ? [] : JsonSerializer.Deserialize<PolicyTerms>(r.GetString(2), Json)?.Limits ?? [];
        }
        var benefits = await CoverageLedger.ComputeAsync(connection, null, identity.TenantId, caseId, limits, ct);
        return TypedResults.Ok(new CaseCoverage(caseId, number, benefits));
    }
}
