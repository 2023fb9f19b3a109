using System.Net.Http.Headers;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Platform.ApiClient.Cases;
using Platform.ApiClient.Gateway;
using Platform.ApiClient.Intake;
using Microsoft.Extensions.Hosting;
using Platform.Tests;
using CaseStatus = Platform.ApiClient.Cases.Models.CaseStatus;
using Intake = Platform.ApiClient.Intake.Models;

namespace Platform.EndToEnd.Tests;

/// <summary>
/// The README's walk-through, made only with the clients Kiota generated from the gateway's API documents
/// (tests/ApiClient): what an insurer's integrator gets by generating a client of their own.
/// </summary>
public sealed class The_generated_client(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    [Fact]
    public async Task Runs_the_readme_walk_through_issuing_a_key_registering_an_appeal_and_reading_the_case()
    {
        var tenant = $"acme-{Guid.NewGuid():N}"[..30];

        // 1. An operator (staff token with the admin role) issues an API key to the insurer.
        var admin = Client("Bearer", DevTokens.Mint(TestEnvironment.JwtSigningKey, "e2e-admin", ["admin"], null), "", a => new GatewayClient(a));
        var issued = await admin.Admin.Tenants[tenant].ApiKeys.PostAsync(new() { Name = "acme integration" });
        Assert.Equal(tenant, issued?.TenantId);
        var key = issued!.ApiKey!;

        // 2. The insurer passes on a call: the daughter of an insured traveller in a US hospital.
        var intake = Client("ApiKey", key, "/api/intake", a => new IntakeClient(a));
        var appeal = await intake.Appeals.PostAsync(new()
        {
            Channel = Intake.Channel.Phone,
            Caller = new() { Name = "Maria Ivanova", Relation = Intake.Relation.Daughter, Phone = "+7 916 555-01-02", Language = "ru" },
            Insured = new() { PolicyNumber = "TRV-2026-000117", FullName = "Pyotr Ivanov", DateOfBirth = new Date(1956, 4, 12) },
            Location = new() { Country = "US", City = "Orlando" },
            Description = "Father admitted with chest pain; the clinic asks who pays.",
        });
        Assert.NotNull(appeal?.Id);
        Assert.Equal(Intake.Channel.Phone, appeal.Channel);
        Assert.Equal(Intake.TriageLevel.Emergency, appeal.Triage);
        Assert.NotNull(appeal.Callback?.DueAt);
        Assert.NotEmpty(appeal.NextSteps!);

        // 3. Cases opens a case within moments; Intake learns its number.
        string? caseNumber = null;
        await Eventually.True(async () =>
        {
            caseNumber = (await intake.Appeals[appeal.Id.Value].GetAsync())?.CaseNumber;
            return caseNumber is not null;
        }, TimeSpan.FromSeconds(10), "the case is opened and its number reaches Intake");

        // 4. Read the case, and the list of the insurer's open cases.
        var cases = Client("ApiKey", key, "/api/cases", a => new CasesClient(a));
        var file = await cases.Cases[caseNumber!].GetAsync();
        Assert.Equal(caseNumber, file?.Number);
        Assert.Equal(CaseStatus.Open, file!.Status);
        Assert.Equal("Pyotr Ivanov", file.Insured?.FullName);
        Assert.Equal(appeal.Id, Assert.Single(file.Appeals!).AppealId);

        var open = await cases.Cases.GetAsync(r => r.QueryParameters.Status = CaseStatus.Open);
        Assert.Equal(1, open?.Total);
        Assert.Equal(caseNumber, Assert.Single(open!.Items!).Number);
    }

    /// <summary>A generated client on the gateway's address plus the service's prefix, presenting the credential.</summary>
    private T Client<T>(string scheme, string credential, string prefix, Func<IRequestAdapter, T> create)
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, credential);
        var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http)
        {
            BaseUrl = platform.GatewayUrl.ToString().TrimEnd('/') + prefix,
        };
        return create(adapter);
    }
}
