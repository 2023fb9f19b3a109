using Microsoft.AspNetCore.Hosting;
using Platform.Tests;

namespace Platform.Repatriation.Tests.Service;

/// <summary>The repatriation service on a database of its own, against the real local servers and the AppHost's mail catcher.</summary>
public sealed class RepatriationFactory() : ServiceFactory<Program>("repatriationdb"), IAsyncLifetime
{
    public const string LinkSecret = "test-repatriation-link-secret-0123456789abcdef";

    public DeliveryServers Delivery { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        Delivery = await DeliveryServers.StartAsync();
        await base.InitializeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("ConnectionStrings:mail", Delivery.Mail);
        builder.UseSetting("Repatriation:AssistanceName", "Acme Assistance");
        builder.UseSetting("Repatriation:AssistancePhone", "+7 495 000 00 00");
        builder.UseSetting("Repatriation:PublicBaseUrl", "http://localhost/api/repatriation");
        builder.UseSetting("Repatriation:LinkSecret", LinkSecret);
        builder.UseSetting("Repatriation:MailFrom", "Acme Assistance <transport@acme.example>");
        builder.UseSetting("Repatriation:MailPollInterval", "00:00:00.200");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Delivery.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RepatriationService : ICollectionFixture<RepatriationFactory>
{
    public const string Name = "repatriation service";
}
