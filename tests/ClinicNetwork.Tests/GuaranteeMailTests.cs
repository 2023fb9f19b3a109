using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using MimeKit;
using Platform.Tests;

namespace Platform.ClinicNetwork.Tests;

/// <summary>The clinic network with the AppHost's mail catcher (smtp4dev).</summary>
public sealed class MailingClinicsFactory : ClinicsFactory, IAsyncLifetime
{
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
        builder.UseSetting("Guarantees:MailPollInterval", "00:00:00.200");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await Delivery.DisposeAsync();
    }
}

public sealed class E_mailing_a_guarantee_letter(MailingClinicsFactory clinics) : IClassFixture<MailingClinicsFactory>
{
    private static async Task<JsonElement> DeliveredAsync(HttpClient client, string gop, string kind)
    {
        JsonElement delivery = default;
        await Eventually.True(async () =>
        {
            delivery = (await client.GetFromJsonAsync<JsonElement>($"/guarantees/{gop}")).GetProperty("delivery");
            return delivery.GetProperty("kind").GetString() == kind && delivery.GetProperty("status").GetString() == "sent";
        }, TimeSpan.FromSeconds(20), () => $"the {kind} e-mail of {gop} is sent (now: {delivery})");
        return delivery;
    }

    private async Task<MimeMessage> RawAsync(string address, Func<string, bool> subject)
    {
        var mail = (await clinics.Delivery.MailsToAsync(address)).First(m => subject(m.Subject));
        await using var raw = await clinics.Delivery.MailApi.GetStreamAsync($"/api/messages/{mail.Summary.GetProperty("id").GetString()}/raw");
        return await MimeMessage.LoadAsync(raw);
    }

    [Fact]
    public async Task Goes_to_the_clinic_with_the_PDF_attached_when_issued_and_again_when_amended_and_revoked()
    {
        const string tenant = "gop-mail";
        const string address = "gop@mail-clinic.example";
        var clinic = await Gop.ClinicAsync(clinics, tenant, "ORL-001", ["en"], address);
        await Gop.CoverAsync(clinics, tenant, "2026-000404");
        var client = clinics.ClientFor(tenant);
        var gop = (await Gop.IssueAsync(client, Gop.Request("2026-000404", clinic, 10_000m))).GetProperty("number").GetString()!;

        var issued = await DeliveredAsync(client, gop, "issued");
        var message = await RawAsync(address, s => s.StartsWith($"Guarantee of payment {gop} for"));

        Assert.Equal(address, issued.GetProperty("address").GetString());
        Assert.Equal(1, issued.GetProperty("attempts").GetInt32());
        Assert.Equal("gop@acme.example", message.From.Mailboxes.Single().Address);
        Assert.Contains("/guarantees/acknowledge?token=", message.TextBody);
        Assert.Contains("+7 495 555-01-99", message.TextBody);
        var attachment = Assert.IsType<MimePart>(Assert.Single(message.Attachments));
        Assert.Equal($"{gop}.pdf", attachment.FileName);
        using var pdf = new MemoryStream();
        await attachment.Content!.DecodeToAsync(pdf);
        Assert.Contains(gop, Gop.ReadPdf(pdf.ToArray()).Text);

        Assert.True((await client.PostAsJsonAsync($"/guarantees/{gop}/amend", new { amount = 12_000m })).IsSuccessStatusCode);
        await DeliveredAsync(client, gop, "amended");
        Assert.True((await client.PostAsJsonAsync($"/guarantees/{gop}/revoke", new { reason = "Discharged" })).IsSuccessStatusCode);
        await DeliveredAsync(client, gop, "revoked");
        var amended = await RawAsync(address, s => s.StartsWith($"Guarantee of payment {gop} amended"));
        Assert.Contains("12,000.00 USD", amended.Subject);
        var revoked = await RawAsync(address, s => s.StartsWith($"Guarantee of payment {gop} revoked"));
        Assert.Single(revoked.Attachments);
    }

    [Fact]
    public async Task To_a_clinic_without_an_e_mail_address_is_failed_at_once_with_the_reason()
    {
        const string tenant = "gop-nomail";
        var clinic = await Gop.ClinicAsync(clinics, tenant, "ORL-002", ["en"], null);
        await Gop.CoverAsync(clinics, tenant, "2026-000505");
        var client = clinics.ClientFor(tenant);

        var letter = await Gop.IssueAsync(client, Gop.Request("2026-000505", clinic, 1_000m));

        var delivery = letter.GetProperty("delivery");
        Assert.Equal("failed", delivery.GetProperty("status").GetString());
        Assert.Contains("no e-mail address", delivery.GetProperty("lastError").GetString());
    }
}
