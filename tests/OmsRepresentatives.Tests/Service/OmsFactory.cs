using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Platform.Tests;

namespace Platform.OmsRepresentatives.Tests.Service;

/// <summary>
/// The OMS representatives' service on a database of its own, against the real local servers, on a clock the tests
/// move (the law's clock, campaign days). It starts at the real present.
/// </summary>
public class OmsFactory() : ServiceFactory<Program>("omsdb"), IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>A tenant (an SMO) of one test only.</summary>
    public static string Tenant(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    /// <summary>A representative of <paramref name="tenant"/> with the given roles (oms-tier1, oms-tier2, oms-tier3, oms-supervisor).</summary>
    public HttpClient Staff(string tenant, string roles, string actor = "rep-1") => ClientFor(tenant, actor, "staff", roles);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // No reminder SMS from the shared service: the dispatcher would pick up other areas' invitations (the SMS
        // tests start a service of their own that sends, SmsFactory). The receipt address is required all the same.
        builder.UseSetting("Oms:Sms:Enabled", "false");
        builder.UseSetting("Oms:Sms:ReceiptUrl", "http://127.0.0.1:8080/api/oms/sms/receipts");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }
}

[CollectionDefinition(Name)]
public sealed class OmsService : ICollectionFixture<OmsFactory>
{
    public const string Name = "oms service";
}

[Collection(OmsService.Name)]
public sealed class AccessTests(OmsFactory service)
{
    [Fact]
    public Task Names_who_may_call_it_and_refuses_every_other_role() => AccessMatrix.VerifyAsync(service);
}
